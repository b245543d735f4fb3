/// Who the bot is on IRC and how it behaves; every field has a working default.
public struct IRCClientConfiguration: Sendable, Equatable {
    public struct ChannelJoin: Sendable, Equatable {
        public var name: String
        public var key: String?

        public init(name: String, key: String? = nil) {
            self.name = name
            self.key = key
        }
    }

    public var nick: String
    /// Tried in order when the server refuses a nick (432, 433); then the nick with a number.
    public var fallbackNicks: [String]
    public var user: String
    public var realName: String
    /// SASL PLAIN credentials; without them the bot stays unauthenticated (servers without services).
    public var saslAccount: String?
    public var saslPassword: String?
    /// Joined after registration: the volunteers' channel, with its key.
    public var channels: [ChannelJoin]
    /// Capabilities requested when the server offers them.
    public var wantedCapabilities: [String]
    /// After this long without any line from the server, the bot sends its own PING.
    public var idleBeforePing: Duration
    /// A PING unanswered for this long means the link is dead: the bot disconnects and reconnects.
    public var pingTimeout: Duration
    /// The version string answered to CTCP VERSION (nothing about the deployment).
    public var versionReply: String

    public init(
        nick: String = "entraide",
        fallbackNicks: [String] = ["entraide_", "entraide-bot"],
        user: String = "entraide",
        realName: String = "Entraide helpline (write to me in private)",
        saslAccount: String? = nil,
        saslPassword: String? = nil,
        channels: [ChannelJoin] = [],
        wantedCapabilities: [String] = [
            "message-tags", "server-time", "account-tag", "account-notify", "extended-join", "labeled-response", "sasl",
        ],
        idleBeforePing: Duration = .seconds(60),
        pingTimeout: Duration = .seconds(30),
        versionReply: String = "Entraide helpline bot"
    ) {
        self.nick = nick
        self.fallbackNicks = fallbackNicks
        self.user = user
        self.realName = realName
        self.saslAccount = saslAccount
        self.saslPassword = saslPassword
        self.channels = channels
        self.wantedCapabilities = wantedCapabilities
        self.idleBeforePing = idleBeforePing
        self.pingTimeout = pingTimeout
        self.versionReply = versionReply
    }
}
