import ArgumentParser
import Foundation
import Logging
import Relay
import ServiceLifecycle
import Transport
import UnixSignals

/// `entraide relay`: the endpoint of the HTTP polling protocol (docs/http-channel.md), so an
/// operator can put an SMS or chat provider's webhook, or a web form, in front of the bot.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Run the HTTP relay: /inbound from a provider or form, /updates and /messages for the bot.",
        discussion: """
            Secrets come from the environment or from files: ENTRAIDE_RELAY_BOT_TOKEN (--bot-token-file, required), \
            ENTRAIDE_RELAY_INBOUND_SECRET (--inbound-secret-file, required), ENTRAIDE_RELAY_BOT_SECRET \
            (--bot-secret-file), ENTRAIDE_RELAY_WEBHOOK_SECRET (--webhook-secret-file), ENTRAIDE_RELAY_FORM_TOKEN \
            (--form-token-file).
            """)

    @Option(help: "Address and port to listen on.")
    var listen = "127.0.0.1:8787"

    @Option(help: "The relay's data directory (relay.sqlite).")
    var data = "relay-data"

    @Option(name: .customLong("outbound-webhook"), help: "POST the bot's replies here (signed, retried); otherwise keep them for GET /outbound.")
    var outboundWebhook: String?

    @Option(name: .customLong("max-wait"), help: "The longest long-poll hold, in seconds.")
    var maxWait = 60

    @Option(help: "full (fsync every commit) or normal.")
    var durability = "full"

    @Option(name: .customLong("bot-token-file")) var botTokenFile: String?
    @Option(name: .customLong("bot-secret-file")) var botSecretFile: String?
    @Option(name: .customLong("inbound-secret-file")) var inboundSecretFile: String?
    @Option(name: .customLong("webhook-secret-file")) var webhookSecretFile: String?
    @Option(name: .customLong("form-token-file")) var formTokenFile: String?

    @Option(help: "TEST ONLY: inject faults on /updates and /messages (docs/http-channel.md); or ENTRAIDE_RELAY_FAULTS.")
    var faults: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LogSetup.bootstrap(level: level)
        var logger = Logger(label: "entraide.relay")
        logger.logLevel = level
        let parts = listen.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else {
            throw ValidationError("--listen must be HOST:PORT, for example 127.0.0.1:8787")
        }
        guard durability == "full" || durability == "normal" else { throw ValidationError("--durability must be full or normal") }
        func secret(_ variable: String, _ file: String?) throws -> String? {
            try Configuration.secret(environment: environment, variable: variable, file: file ?? "")
        }
        guard let botToken = try secret("ENTRAIDE_RELAY_BOT_TOKEN", botTokenFile) else {
            throw ValidationError("no bot token: set ENTRAIDE_RELAY_BOT_TOKEN or --bot-token-file (the bot's ENTRAIDE_HTTP_TOKEN)")
        }
        guard let inboundSecret = try secret("ENTRAIDE_RELAY_INBOUND_SECRET", inboundSecretFile) else {
            throw ValidationError("no inbound secret: set ENTRAIDE_RELAY_INBOUND_SECRET or --inbound-secret-file")
        }
        if let outboundWebhook {
            let lower = outboundWebhook.lowercased()
            guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
                throw ValidationError("--outbound-webhook must be an http:// or https:// URL")
            }
        }
        let faultSpec = faults ?? environment["ENTRAIDE_RELAY_FAULTS"] ?? ""
        let plan: FaultPlan
        do {
            plan = try FaultPlan(spec: faultSpec)
        } catch {
            throw ValidationError(error.description)
        }
        let configuration = RelayConfiguration(
            host: String(parts[0]), port: port, dataDirectory: data, botToken: botToken,
            botSigningSecret: try secret("ENTRAIDE_RELAY_BOT_SECRET", botSecretFile), inboundSecret: inboundSecret,
            outboundWebhookURL: outboundWebhook,
            outboundWebhookSecret: try secret("ENTRAIDE_RELAY_WEBHOOK_SECRET", webhookSecretFile),
            formToken: try secret("ENTRAIDE_RELAY_FORM_TOKEN", formTokenFile), maxWait: .seconds(max(0, maxWait)),
            fullSync: durability == "full", faults: plan)
        let loop = try CurlEventLoop(logger: logger)
        let server = try RelayServer(configuration: configuration, loop: loop, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: TransportService(loop: loop)), .init(service: server)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
