import ArgumentParser
import Foundation
import Gateway
import Helpline
import IRC
import IntentMatcher
import Logging
import ServiceLifecycle
import Transport
import UnixSignals

/// `entraide serve`: the helpline on its network channels, until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the helpline on its configured channels (IRC, HTTP); SIGHUP reloads the answers.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try common.resolve(environment: environment)
        let services = try Services(configuration: configuration)
        ReloadOnHangup.install(library: services.library)
        let loop = try CurlEventLoop(logger: services.logger)

        var channels: [any Service] = []
        var irc: IRCChannel?
        if !configuration.irc.host.isEmpty {
            let channel = IRCChannel(
                loop: loop, helpline: services.helpline,
                configuration: try Self.ircConfiguration(configuration, environment: environment),
                logger: services.logger)
            irc = channel
            channels.append(channel)
        }
        var http: HTTPPollChannel?
        if let settings = try configuration.httpChannelConfiguration(environment: environment) {
            let channel = HTTPPollChannel(loop: loop, helpline: services.helpline, configuration: settings, logger: services.logger)
            http = channel
            channels.append(channel)
        }
        guard !channels.isEmpty else {
            throw ConfigurationError(
                "nothing to serve: set irc.host or http.base_url (see docs/configuration.md), or use `entraide chat`")
        }
        if let (host, port) = HealthEndpoint.parse(configuration.healthListen) {
            channels.append(HealthEndpoint(host: host, port: port, helpline: services.helpline, irc: irc, http: http, logger: services.logger))
        }
        services.logger.info(
            "helpline.starting",
            metadata: ["answers.count": "\(services.library.snapshot.answers.intents.count)", "curl.version": "\(CurlEventLoop.curlVersion)"])
        // Services stop in reverse order: the channels first, then the engine, the transport last.
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: TransportService(loop: loop)), .init(service: EngineService(helpline: services.helpline)),
                 .init(service: ReminderService(
                     helpline: services.helpline,
                     checkEvery: .seconds(max(1, min(30, Int(services.helpline.policy.checkInEvery / 2)))))),
                 .init(service: RetentionService(helpline: services.helpline, retentionDays: configuration.retentionDays))]
                    + channels.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: services.logger))
        try await group.run()
    }

    static func ircConfiguration(
        _ configuration: Configuration, environment: [String: String]
    ) throws -> IRCChannelConfiguration {
        let password = try Configuration.secret(
            environment: environment, variable: "ENTRAIDE_IRC_SASL_PASSWORD", file: configuration.irc.saslPasswordFile)
        let channelKey = try Configuration.secret(
            environment: environment, variable: "ENTRAIDE_IRC_CHANNEL_KEY", file: configuration.irc.channelKeyFile)
        if !configuration.irc.saslAccount.isEmpty && password == nil {
            throw ConfigurationError(
                "irc.sasl_account is set but no password: set ENTRAIDE_IRC_SASL_PASSWORD or irc.sasl_password_file")
        }
        let client = IRCClientConfiguration(
            nick: configuration.irc.nick,
            fallbackNicks: [configuration.irc.nick + "_", configuration.irc.nick + "-bot"],
            saslAccount: configuration.irc.saslAccount.isEmpty ? nil : configuration.irc.saslAccount,
            saslPassword: password,
            channels: configuration.irc.volunteersChannel.isEmpty
                ? [] : [.init(name: configuration.irc.volunteersChannel, key: channelKey)],
            idleBeforePing: .seconds(configuration.irc.pingIdleSeconds),
            pingTimeout: .seconds(configuration.irc.pingTimeoutSeconds))
        let connection = LineOptions(
            host: configuration.irc.host, port: configuration.irc.port, tls: configuration.irc.tls,
            verifyPeer: configuration.irc.verifyTLS, caFile: configuration.irc.caFile.isEmpty ? nil : configuration.irc.caFile,
            socks5Proxy: configuration.irc.socks5Proxy.isEmpty ? nil : configuration.irc.socks5Proxy,
            maxLineBytes: IRCMessage.maximumLineBytes)
        return IRCChannelConfiguration(
            connection: connection, client: client, burst: configuration.irc.burst,
            lineInterval: .milliseconds(configuration.irc.lineIntervalMilliseconds))
    }
}

/// Keeps the libcurl loop alive while the channels run, and stops it last.
struct TransportService: Service {
    let loop: CurlEventLoop

    func run() async throws {
        try? await gracefulShutdown()
        loop.shutdown()
    }
}
