/// The IRC channel's settings (`irc.*`): where the server is, who the bot is, how it paces itself.
struct IRCSettings: Sendable, Equatable {
    /// The IRC server; empty means no IRC channel.
    var host = ""
    var port = 6667
    var tls = false
    var verifyTLS = true
    var caFile = ""
    /// `host:port` of a SOCKS5 proxy (Tor, for instance); empty means a direct connection.
    var socks5Proxy = ""
    var nick = "entraide"
    /// The volunteers' channel, joined after registration; empty means none.
    var volunteersChannel = "#entraide-volunteers"
    /// A file holding the channel key (secret); `ENTRAIDE_IRC_CHANNEL_KEY` works too.
    var channelKeyFile = ""
    var saslAccount = ""
    /// A file holding the SASL password (secret); `ENTRAIDE_IRC_SASL_PASSWORD` works too.
    var saslPasswordFile = ""
    var burst = 4
    var lineIntervalMilliseconds = 1000
    var pingIdleSeconds = 60
    var pingTimeoutSeconds = 30
}

extension Configuration {
    static let ircKeys: [Key] = [
        .text("irc.host", \.irc.host),
        .integer("irc.port", 1...65535, \.irc.port),
        .boolean("irc.tls", \.irc.tls),
        .boolean("irc.verify_tls", \.irc.verifyTLS),
        .text("irc.ca_file", \.irc.caFile),
        Key(name: "irc.socks5_proxy") { config, value in
            guard value.isEmpty || value.contains(":") else { return "must be host:port" }
            config.irc.socks5Proxy = value
            return nil
        },
        Key(name: "irc.nick") { config, value in
            guard !value.isEmpty, !value.contains(" ") else { return "must be one word" }
            config.irc.nick = value
            return nil
        },
        Key(name: "irc.volunteers_channel") { config, value in
            guard value.isEmpty || value.hasPrefix("#") || value.hasPrefix("&") else { return "must start with #" }
            config.irc.volunteersChannel = value
            return nil
        },
        .text("irc.channel_key_file", \.irc.channelKeyFile),
        .text("irc.sasl_account", \.irc.saslAccount),
        .text("irc.sasl_password_file", \.irc.saslPasswordFile),
        .integer("irc.burst", 1...100, \.irc.burst),
        .integer("irc.line_interval_ms", 0...60_000, \.irc.lineIntervalMilliseconds),
        .integer("irc.ping_idle_seconds", 5...3600, \.irc.pingIdleSeconds),
        .integer("irc.ping_timeout_seconds", 5...3600, \.irc.pingTimeoutSeconds),
    ]
}
