/// The bot's side of an IRC connection as a pure state machine: events in, actions out.
///
/// It never touches a socket or a clock: the caller passes `now` with each event and carries out
/// the actions, so registration, liveness and CTCP are tested without a server or a sleep
/// (the shape of hummingbird's connection state handlers).
public struct IRCClient: Sendable {
    public enum Event: Sendable, Equatable {
        /// The transport connected; registration starts.
        case connected
        case received(IRCMessage)
        /// Time passed with nothing received (the caller ticks about once a second).
        case tick
    }

    public enum Action: Sendable, Equatable {
        case send(IRCMessage)
        /// Registration completed under this nick.
        case registered(nick: String)
        /// A worker's private message. `account` is the services account from `account-tag`.
        case privateMessage(from: String, account: String?, text: String, messageID: String?)
        /// Someone addressed the bot by name in a public channel.
        case addressedInChannel(channel: String, from: String, text: String)
        /// A message in a channel the bot is in, not addressed to it (volunteer channel traffic).
        case channelMessage(channel: String, from: String, account: String?, text: String)
        /// The link is dead or the server refused us: close and reconnect later.
        case disconnect(reason: String)
        /// The server told us something the operator should know (SASL failure, ban).
        case warning(String)
        /// The answer to one of our PINGs: the server has processed every line we sent before it.
        case pong(token: String)
        /// The server could not deliver to this nick or channel (401, 404; 403, 477, 489 for a channel): it is not
        /// there, or it refuses us.
        case undeliverable(target: String)
        /// Someone else changed nick or left the server: whatever was bound to the old nick ends.
        case nickChanged(from: String, to: String)
        case userQuit(nick: String)
        /// The server confirmed our JOIN: we are in the channel.
        case joinedChannel(String)
        /// The server refused our JOIN (bad key, invite-only, banned, full…); the client tries again later.
        case channelJoinRefused(channel: String, reason: String)
        /// We are no longer in the channel (kicked, or parted): everything bound to its members ends.
        case leftChannel(channel: String, reason: String)
        /// Who is in a channel we just joined (the end of NAMES).
        case channelMembers(channel: String, nicks: [String])
        /// Someone joined a channel we are in; `account` from `extended-join` (nil: none, or not told).
        case memberJoined(channel: String, nick: String, account: String?)
        /// Someone left a channel we are in (PART or KICK).
        case memberLeft(channel: String, nick: String)
        /// A user's services account changed (`account-notify`); nil when they logged out.
        case accountChanged(nick: String, account: String?)
    }

    public enum Phase: Sendable, Equatable {
        case disconnected
        case registering
        case registered
    }

    public private(set) var phase: Phase = .disconnected
    public private(set) var nick: String
    /// Capabilities the server acknowledged.
    public private(set) var capabilities: Set<String> = []
    /// The bot's full source (`nick!user@host`) once known, for the exact line budget.
    public private(set) var ownSource: String?

    private let configuration: IRCClientConfiguration
    private var nickAttempt = 0
    private var offeredCapabilities: Set<String> = []
    private var capabilityNegotiationOpen = false
    private var lastReceived: ContinuousClock.Instant?
    private var pingSentAt: ContinuousClock.Instant?
    private var pingCounter = 0
    private var ctcpLimiter = TokenBucket(capacity: 3, refillEvery: .seconds(5))
    /// Configured channels we are in (lowercased), and when to try joining the others again.
    public private(set) var joinedChannels: Set<String> = []
    private var joinRetries: [String: (at: ContinuousClock.Instant, attempt: Int)] = [:]
    /// NAMES replies being gathered, by channel, until 366.
    private var namesInProgress: [String: [String]] = [:]

    public init(configuration: IRCClientConfiguration) {
        self.configuration = configuration
        self.nick = configuration.nick
    }

    public var isRegistered: Bool { phase == .registered }

    public mutating func handle(_ event: Event, now: ContinuousClock.Instant) -> [Action] {
        switch event {
        case .connected:
            return start(now: now)
        case .tick:
            return checkLiveness(now: now) + retryJoins(now: now)
        case .received(let message):
            lastReceived = now
            pingSentAt = nil
            return receive(message, now: now)
        }
    }

    /// The transport closed: everything about the old connection is forgotten.
    public mutating func connectionLost() {
        phase = .disconnected
        capabilities = []
        offeredCapabilities = []
        capabilityNegotiationOpen = false
        pingSentAt = nil
        lastReceived = nil
        nickAttempt = 0
        nick = configuration.nick
        joinedChannels = []
        joinRetries = [:]
        namesInProgress = [:]
    }

    // MARK: Registration

    private mutating func start(now: ContinuousClock.Instant) -> [Action] {
        connectionLost()
        phase = .registering
        lastReceived = now
        capabilityNegotiationOpen = true
        // CAP LS first, so the server holds registration until CAP END (IRCv3 capability negotiation).
        return [
            send("CAP", "LS", "302"),
            send("NICK", nick),
            send("USER", configuration.user, "0", "*", configuration.realName),
        ].compactMap { $0 }
    }

    private mutating func receive(_ message: IRCMessage, now: ContinuousClock.Instant) -> [Action] {
        switch message.command {
        case "PING":
            return [send("PONG", message.params.last ?? "")].compactMap { $0 }
        case "PONG":
            return [.pong(token: message.params.last ?? "")]
        case "CAP":
            return capability(message)
        case "AUTHENTICATE":
            return authenticate(message)
        case "001":
            phase = .registered
            if let confirmed = message.params.first, !confirmed.isEmpty { nick = confirmed }
            var actions: [Action] = [.registered(nick: nick)]
            if capabilityNegotiationOpen {
                capabilityNegotiationOpen = false
                actions.append(contentsOf: [send("CAP", "END")].compactMap { $0 })
            }
            for channel in configuration.channels { actions += join(channel, now: now, attempt: 0) }
            return actions
        case "396":  // RPL_HOSTHIDDEN: our visible host changed
            return []
        case "432", "433", "436", "437":
            guard phase == .registering else { return [] }
            nickAttempt += 1
            nick = fallbackNick(attempt: nickAttempt)
            return [send("NICK", nick)].compactMap { $0 }
        case "903", "907":  // SASL success, or already authenticated
            return finishNegotiation()
        case "902", "904", "905", "906", "908":
            // Authentication failed: carry on unauthenticated, and say so to the operator.
            return [.warning("SASL authentication failed (\(message.command)); continuing without an account")]
                + finishNegotiation()
        case "401", "404":
            guard message.params.count >= 2 else { return [] }
            return [.undeliverable(target: message.params[1])]
        // Our JOIN refused: no such channel, too many channels, full, invite-only, banned, bad key,
        // registered nicks only, TLS only, operators only.
        // Some of these also refuse a PRIVMSG to a channel we are in (InspIRCd: 477 on +R/+M, 489 on +z): then
        // what was sent there since the last proof is not delivered, and the JOIN stands.
        case "403", "405", "471", "473", "474", "475", "477", "489", "520":
            guard message.params.count >= 2, let configured = configuredChannel(message.params[1]) else { return [] }
            if ["403", "477", "489"].contains(message.command), joinedChannels.contains(configured.name.lowercased()) {
                return [.undeliverable(target: message.params[1])]
            }
            let reason = "\(message.command) \(message.params.last ?? "")"
            return [.channelJoinRefused(channel: configured.name, reason: reason)] + scheduleJoinRetry(configured.name, now: now)
        case "353":  // RPL_NAMREPLY: <me> <type> <channel> :<[prefix]nick …>
            guard message.params.count >= 4 else { return [] }
            let channel = message.params[2].lowercased()
            namesInProgress[channel, default: []] += message.params[3].split(separator: " ").map {
                String($0.drop { "~&@%+".contains($0) })
            }
            return []
        case "366":  // RPL_ENDOFNAMES
            guard message.params.count >= 2, let configured = configuredChannel(message.params[1]) else { return [] }
            let nicks = namesInProgress.removeValue(forKey: configured.name.lowercased()) ?? []
            return [.channelMembers(channel: configured.name, nicks: nicks.filter { $0.lowercased() != nick.lowercased() })]
        case "465", "ERROR":
            return [.disconnect(reason: "server said \(message.command): \(message.params.last ?? "")")]
        case "PRIVMSG":
            return privmsg(message, now: now)
        case "NOTICE":
            return []  // never answer a NOTICE (RFC 1459): that is how bot loops start
        case "NICK":
            guard let old = message.nick, let new = message.params.first else { return [] }
            if old == nick {
                nick = new
                return []
            }
            return [.nickChanged(from: old, to: new)]
        case "QUIT":
            guard let who = message.nick, who != nick else { return [] }
            return [.userQuit(nick: who)]
        case "JOIN":
            guard let who = message.nick, let channel = message.params.first else { return [] }
            if who.lowercased() == nick.lowercased() {
                if let source = message.source { ownSource = source }
                guard let configured = configuredChannel(channel) else { return [] }
                joinedChannels.insert(configured.name.lowercased())
                joinRetries[configured.name.lowercased()] = nil
                return [.joinedChannel(configured.name)]
            }
            // extended-join: JOIN <channel> <account or *> :<realname>
            let account = message.params.count >= 3 && message.params[1] != "*" ? message.params[1] : nil
            return [.memberJoined(channel: channel, nick: who, account: account)]
        case "PART":
            guard let who = message.nick, let channel = message.params.first else { return [] }
            if who.lowercased() == nick.lowercased() { return leave(channel, reason: "parted", now: now) }
            return [.memberLeft(channel: channel, nick: who)]
        case "KICK":
            guard message.params.count >= 2 else { return [] }
            let (channel, who) = (message.params[0], message.params[1])
            if who.lowercased() == nick.lowercased() {
                return leave(channel, reason: "kicked by \(message.nick ?? "?"): \(message.params.count > 2 ? message.params[2] : "")", now: now)
            }
            return [.memberLeft(channel: channel, nick: who)]
        case "ACCOUNT":
            guard let who = message.nick, let account = message.params.first else { return [] }
            return [.accountChanged(nick: who, account: account == "*" ? nil : account)]
        default:
            return []
        }
    }

    // MARK: Channels

    private func configuredChannel(_ name: String) -> IRCClientConfiguration.ChannelJoin? {
        configuration.channels.first { $0.name.lowercased() == name.lowercased() }
    }

    /// Sends a JOIN and, whatever the answer, plans the next try in case none comes.
    private mutating func join(_ channel: IRCClientConfiguration.ChannelJoin, now: ContinuousClock.Instant, attempt: Int) -> [Action] {
        joinRetries[channel.name.lowercased()] = (now + Self.joinDelay(attempt: attempt), attempt + 1)
        let join = channel.key.map { send("JOIN", channel.name, $0) } ?? send("JOIN", channel.name)
        return [join].compactMap { $0 }
    }

    /// 5 s, 10 s, 20 s … up to 5 min: a key changed on the server is fixed by a person, not by hammering.
    static func joinDelay(attempt: Int) -> Duration {
        min(.seconds(300), .seconds(5) * Double(1 << min(attempt, 10)))
    }

    private mutating func scheduleJoinRetry(_ channel: String, now: ContinuousClock.Instant) -> [Action] {
        let attempt = joinRetries[channel.lowercased()]?.attempt ?? 1
        joinRetries[channel.lowercased()] = (now + Self.joinDelay(attempt: attempt), attempt)
        return []
    }

    private mutating func leave(_ channel: String, reason: String, now: ContinuousClock.Instant) -> [Action] {
        guard let configured = configuredChannel(channel) else { return [] }
        joinedChannels.remove(configured.name.lowercased())
        joinRetries[configured.name.lowercased()] = (now + Self.joinDelay(attempt: 0), 1)
        return [.leftChannel(channel: configured.name, reason: reason)]
    }

    /// Configured channels we are not in, whose next try is due: joined again.
    private mutating func retryJoins(now: ContinuousClock.Instant) -> [Action] {
        guard phase == .registered else { return [] }
        var actions: [Action] = []
        for channel in configuration.channels where !joinedChannels.contains(channel.name.lowercased()) {
            guard let retry = joinRetries[channel.name.lowercased()], retry.at <= now else { continue }
            actions += join(channel, now: now, attempt: retry.attempt)
        }
        return actions
    }

    private func fallbackNick(attempt: Int) -> String {
        if attempt <= configuration.fallbackNicks.count { return configuration.fallbackNicks[attempt - 1] }
        return "\(configuration.nick.prefix(6))\(attempt)"
    }

    private mutating func capability(_ message: IRCMessage) -> [Action] {
        // CAP <nick> <subcommand> [*] :<list>
        guard message.params.count >= 3 else { return [] }
        let subcommand = message.params[1].uppercased()
        let list = message.params.last ?? ""
        let names = list.split(separator: " ").map { String($0.split(separator: "=").first ?? "") }
        switch subcommand {
        case "LS":
            offeredCapabilities.formUnion(names)
            let more = message.params.count >= 4 && message.params[2] == "*"
            if more { return [] }
            var wanted = configuration.wantedCapabilities.filter { offeredCapabilities.contains($0) }
            if configuration.saslAccount == nil { wanted.removeAll { $0 == "sasl" } }
            if wanted.isEmpty { return finishNegotiation() }
            return [send("CAP", "REQ", wanted.joined(separator: " "))].compactMap { $0 }
        case "ACK":
            capabilities.formUnion(names)
            if capabilities.contains("sasl"), configuration.saslAccount != nil {
                return [send("AUTHENTICATE", "PLAIN")].compactMap { $0 }
            }
            return finishNegotiation()
        case "NAK":
            return finishNegotiation()
        default:
            return []
        }
    }

    private mutating func authenticate(_ message: IRCMessage) -> [Action] {
        guard message.params.first == "+", let account = configuration.saslAccount,
            let password = configuration.saslPassword
        else { return [] }
        return SASLPlain.authenticateLines(account: account, password: password).compactMap {
            send("AUTHENTICATE", $0)
        }
    }

    private mutating func finishNegotiation() -> [Action] {
        guard capabilityNegotiationOpen else { return [] }
        capabilityNegotiationOpen = false
        return [send("CAP", "END")].compactMap { $0 }
    }

    // MARK: Messages

    private mutating func privmsg(_ message: IRCMessage, now: ContinuousClock.Instant) -> [Action] {
        guard phase == .registered, message.params.count >= 2, let sender = message.nick else { return [] }
        let target = message.params[0]
        let text = message.params[1]
        let account = message.tagValue(forKey: "account")
        if let query = message.ctcpQuery {
            return ctcp(query, from: sender, now: now)
        }
        if target.lowercased() == nick.lowercased() {
            return [.privateMessage(from: sender, account: account, text: text, messageID: message.tagValue(forKey: "msgid"))]
        }
        if Self.addresses(text, nick: nick) {
            return [.addressedInChannel(channel: target, from: sender, text: text)]
        }
        return [.channelMessage(channel: target, from: sender, account: account, text: text)]
    }

    /// "entraide: …", "entraide, …" or "@entraide …" at the start of a channel message.
    static func addresses(_ text: String, nick: String) -> Bool {
        var rest = Substring(text)
        if rest.hasPrefix("@") { rest = rest.dropFirst() }
        guard rest.lowercased().hasPrefix(nick.lowercased()) else { return false }
        let after = rest.dropFirst(nick.count).first
        return after == nil || after == ":" || after == "," || after == " "
    }

    private mutating func ctcp(_ query: CTCPQuery, from sender: String, now: ContinuousClock.Instant) -> [Action] {
        // Only VERSION and PING are answered, by NOTICE, a few per minute in all: a CTCP flood
        // cannot make the bot flood the server. DCC and the rest are ignored.
        let reply: (String, String)
        switch query {
        case .version: reply = ("VERSION", configuration.versionReply)
        case .ping(let token): reply = ("PING", token)
        default: return []
        }
        guard ctcpLimiter.take(now: now) else { return [] }
        guard let notice = try? CTCP.reply(to: sender, command: reply.0, argument: reply.1, budget: lineBudget) else {
            return []
        }
        return [.send(notice)]
    }

    /// The budget for lines relayed with our prefix: exact once the server showed it, worst case before.
    public var lineBudget: IRCLineBudget {
        if let ownSource { return IRCLineBudget(knownSource: ownSource) }
        return IRCLineBudget(nickLength: max(nick.count, 30))
    }

    // MARK: Liveness

    private mutating func checkLiveness(now: ContinuousClock.Instant) -> [Action] {
        guard phase != .disconnected, let lastReceived else { return [] }
        if let pingSentAt {
            if now - pingSentAt >= configuration.pingTimeout {
                return [.disconnect(reason: "no answer to PING for \(configuration.pingTimeout)")]
            }
            return []
        }
        guard now - lastReceived >= configuration.idleBeforePing else { return [] }
        pingSentAt = now
        pingCounter += 1
        return [send("PING", "entraide-\(pingCounter)")].compactMap { $0 }
    }

    private func send(_ command: String, _ params: String...) -> Action? {
        (try? IRCMessage(command: command, params: params)).map { .send($0) }
    }
}
