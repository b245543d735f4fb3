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
        Key(name: "irc.host") { config, value in
            config.irc.host = value
            return nil
        },
        Key(name: "irc.port") { config, value in integer(value, 1...65535) { config.irc.port = $0 } },
        Key(name: "irc.tls") { config, value in boolean(value) { config.irc.tls = $0 } },
        Key(name: "irc.verify_tls") { config, value in boolean(value) { config.irc.verifyTLS = $0 } },
        Key(name: "irc.ca_file") { config, value in
            config.irc.caFile = value
            return nil
        },
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
        Key(name: "irc.channel_key_file") { config, value in
            config.irc.channelKeyFile = value
            return nil
        },
        Key(name: "irc.sasl_account") { config, value in
            config.irc.saslAccount = value
            return nil
        },
        Key(name: "irc.sasl_password_file") { config, value in
            config.irc.saslPasswordFile = value
            return nil
        },
        Key(name: "irc.burst") { config, value in integer(value, 1...100) { config.irc.burst = $0 } },
        Key(name: "irc.line_interval_ms") { config, value in
            integer(value, 0...60_000) { config.irc.lineIntervalMilliseconds = $0 }
        },
        Key(name: "irc.ping_idle_seconds") { config, value in integer(value, 5...3600) { config.irc.pingIdleSeconds = $0 } },
        Key(name: "irc.ping_timeout_seconds") { config, value in
            integer(value, 5...3600) { config.irc.pingTimeoutSeconds = $0 }
        },
    ]
}
