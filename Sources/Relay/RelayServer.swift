import PrivateFiles
import Foundation
import Hummingbird
public import Logging
public import ServiceLifecycle
import PollProtocol
public import Transport

/// `entraide relay` as a service: the HTTP server on its routes, and the forwarder when an
/// outbound webhook is configured. Runs until cancelled or shut down gracefully.
public struct RelayServer: Service {
    private let configuration: RelayConfiguration
    private let store: RelayStore
    private let loop: CurlEventLoop
    private let logger: Logger

    public init(configuration: RelayConfiguration, loop: CurlEventLoop, logger: Logger) throws {
        let data = URL(fileURLWithPath: configuration.dataDirectory)
        do {
            try PrivateFiles.prepareDirectory(data.path, what: "the relay's data directory")
        } catch {
            throw RelayError("\(error) (or --data)")
        }
        self.store = try RelayStore(path: data.appendingPathComponent("relay.sqlite").path, fullSync: configuration.fullSync)
        self.configuration = configuration
        self.loop = loop
        self.logger = logger
    }

    public func run() async throws {
        let arrivals = Broadcast()
        let outboundBell = Broadcast()
        let handlers = RelayHandlers(
            configuration: configuration, store: store, arrivals: arrivals, outboundBell: outboundBell, logger: logger)
        let faults = configuration.faults
        let router = Router()
        router.post("inbound") { request, _ in try await handlers.inbound(request) }
        router.get("updates") { request, _ in try await handlers.updates(request, fault: faults.draw(for: .updates)) }
        router.post("messages") { request, _ in try await handlers.messages(request, fault: faults.draw(for: .messages)) }
        router.get("outbound") { request, _ in try await handlers.outbound(request) }
        router.get("health") { _, _ in "ok" }
        var services: [any Service] = []
        if let url = configuration.outboundWebhookURL {
            services.append(
                OutboundForwarder(
                    url: url, signature: Signature(secrets: configuration.outboundWebhookSecret.map { [$0] } ?? []),
                    store: store, loop: loop, bell: outboundBell, logger: logger))
        }
        if !faults.isEmpty { logger.warning("relay.faults_enabled", metadata: ["faults.rules": "\(faults.rules.count)"]) }
        let app = Application(
            router: router, server: ListenerLimits.server(),
            configuration: ListenerLimits.configuration(
                host: configuration.host, port: configuration.port, serverName: "entraide-relay", logger: logger),
            services: services, logger: logger)
        logger.info(
            "relay.listening",
            metadata: ["relay.address": "\(configuration.host):\(configuration.port)", "relay.forwarding": "\(services.isEmpty ? "no" : "yes")"])
        try await app.run()
    }
}
