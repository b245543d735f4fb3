import CaseTracker
import Foundation
public import Helpline
public import IRC
import IntentMatcher
public import Logging
public import ServiceLifecycle
public import Transport

/// How the IRC channel connects and paces itself.
public struct IRCChannelConfiguration: Sendable {
    public var connection: LineOptions
    public var client: IRCClientConfiguration
    /// Lines sent at once before pacing starts, then one every `lineInterval` (ngircd and
    /// InspIRCd both disconnect or penalise clients that send faster).
    public var burst: Int
    public var lineInterval: Duration
    public var reconnectBase: Duration
    public var reconnectCap: Duration

    public init(
        connection: LineOptions, client: IRCClientConfiguration = IRCClientConfiguration(), burst: Int = 4,
        lineInterval: Duration = .seconds(1), reconnectBase: Duration = .milliseconds(500),
        reconnectCap: Duration = .seconds(60)
    ) {
        self.connection = connection
        self.client = client
        self.burst = burst
        self.lineInterval = lineInterval
        self.reconnectBase = reconnectBase
        self.reconnectCap = reconnectCap
    }
}

/// Workers write to the bot by private message on an IRC server; the bot answers the same way.
///
/// A `Service`: connects through the libcurl line connection, registers, reads lines into the
/// inbox, and sends the outbox paced by a token bucket and fair between workers. A reply is marked
/// delivered only when the server has answered a PING sent after it: servers handle a client's
/// lines in order, so the PONG proves the reply was relayed. On a dead link it reconnects with
/// capped, jittered backoff, and what was not confirmed is sent again.
public final class IRCChannel: Service, Sendable {
    public static let channel = "irc"

    private let loop: CurlEventLoop
    private let helpline: Helpline
    private let configuration: IRCChannelConfiguration
    private let logger: Logger

    public init(loop: CurlEventLoop, helpline: Helpline, configuration: IRCChannelConfiguration, logger: Logger) {
        self.loop = loop
        self.helpline = helpline
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        var backoff = Backoff(base: configuration.reconnectBase, cap: configuration.reconnectCap)
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let started = ContinuousClock.now
            do {
                try await cancelWhenGracefulShutdown { try await self.session() }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("irc.disconnected", metadata: ["irc.reason": "\(error)"])
            }
            // A connection that lasted a while was a success: start the backoff afresh.
            if ContinuousClock.now - started > .seconds(30) { backoff.reset() }
            let delay = backoff.nextDelay(using: &random)
            logger.info("irc.reconnecting", metadata: ["irc.delay_ms": "\(delay.curlMillisecondsForLog)"])
            try? await Task.sleep(for: delay)
        }
    }

    private func session() async throws {
        let connection = try await loop.connectLine(configuration.connection)
        defer { connection.close() }
        logger.info("irc.connected", metadata: ["irc.server": "\(configuration.connection.host):\(configuration.connection.port)"])
        let session = IRCSession(
            connection: connection, helpline: helpline, configuration: configuration, logger: logger)
        try await session.start()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await session.readLoop() }
            group.addTask { try await session.writeLoop() }
            // Whichever ends first (the link died, or we were cancelled) ends the session.
            try await group.next()
            group.cancelAll()
        }
    }
}

/// One connection's state: the client machine, the send queue and the replies awaiting proof.
actor IRCSession {
    private struct Chunk: Sendable {
        let outboxID: Int64
        let target: String
        let text: String
        let isLast: Bool
    }

    private let connection: LineConnection
    private let helpline: Helpline
    private let configuration: IRCChannelConfiguration
    private let logger: Logger
    private var client: IRCClient
    private var queue = FairQueue<Chunk>()
    private var bucket: TokenBucket
    /// Outbox rows whose lines are queued or sent, so they are not queued twice.
    private var inFlight: Set<Int64> = []
    /// Rows fully sent, waiting for the PONG that proves it, by PING token.
    private var awaitingProof: [String: [OutboxItem]] = [:]
    private var sentSinceProof: [OutboxItem] = []
    private var proofCounter = 0
    private var items: [Int64: OutboxItem] = [:]
    private var closing: String?
    /// Targets the server could not reach since the last proof, and when each may be tried again.
    private var unreachable: Set<String> = []
    private var retryAt: [String: ContinuousClock.Instant] = [:]
    /// A worker who left the server is tried again after this long (IRC keeps no messages).
    static let retryUnreachableAfter = Duration.seconds(3)

    init(connection: LineConnection, helpline: Helpline, configuration: IRCChannelConfiguration, logger: Logger) {
        self.connection = connection
        self.helpline = helpline
        self.configuration = configuration
        self.logger = logger
        self.client = IRCClient(configuration: configuration.client)
        self.bucket = TokenBucket(capacity: configuration.burst, refillEvery: configuration.lineInterval)
    }

    func start() async throws {
        try await perform(client.handle(.connected, now: .now))
    }

    func readLoop() async throws {
        while !Task.isCancelled {
            let line = try await connection.readLine(timeout: .seconds(1))
            if let line {
                guard let message = try? IRCMessage.parse(line) else {
                    logger.debug("irc.unparsable_line")
                    continue
                }
                try await perform(client.handle(.received(message), now: .now))
            } else {
                try await perform(client.handle(.tick, now: .now))
            }
            if let closing { throw TransportError(.connectionClosed, detail: closing) }
        }
    }

    func writeLoop() async throws {
        let bell = helpline.outboxBell(for: IRCChannel.channel)
        while !Task.isCancelled {
            let wait = try await pump()
            await bell.wait(timeout: wait)
        }
    }

    /// Queues new outbox rows and sends what the bucket allows. Returns how long to wait.
    private func pump() async throws -> Duration {
        guard client.isRegistered else { return .seconds(1) }
        let start = ContinuousClock.now
        retryAt = retryAt.filter { $0.value > start }
        for item in try helpline.store.pendingOutbox(channel: IRCChannel.channel, limit: 200)
        where !inFlight.contains(item.id) && retryAt[item.address] == nil {
            enqueue(item)
        }
        while !queue.isEmpty || !sentSinceProof.isEmpty {
            let now = ContinuousClock.now
            let wait = bucket.wait(now: now)
            guard wait == .zero else { return wait }
            _ = bucket.take(now: now)
            if let chunk = queue.next() {
                try await connection.send(privmsg(to: chunk.target, chunk.text).serialize())
                if chunk.isLast, let item = items[chunk.outboxID] { sentSinceProof.append(item) }
            } else {
                // Everything queued is sent: ask for proof that the server has relayed it.
                proofCounter += 1
                let token = "entraide-ack-\(proofCounter)"
                awaitingProof[token] = sentSinceProof
                sentSinceProof = []
                try await connection.send(try IRCMessage(command: "PING", params: [token]).serialize())
            }
        }
        return retryAt.isEmpty ? .seconds(5) : Self.retryUnreachableAfter
    }

    private func enqueue(_ item: OutboxItem) {
        inFlight.insert(item.id)
        items[item.id] = item
        // IRC has no line breaks inside a message: each line of a reply is its own PRIVMSG,
        // split again to the server's line budget.
        let lines = item.text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        var chunks: [String] = []
        for line in lines {
            chunks += (try? client.lineBudget.splitForPRIVMSG(line, target: item.address)) ?? []
        }
        if chunks.isEmpty { chunks = ["…"] }
        for (index, text) in chunks.enumerated() {
            queue.append(
                Chunk(outboxID: item.id, target: item.address, text: text, isLast: index == chunks.count - 1),
                for: item.address)
        }
    }

    private func privmsg(to target: String, _ text: String) throws -> IRCMessage {
        try IRCMessage(command: "PRIVMSG", params: [target, text])
    }

    private func perform(_ actions: [IRCClient.Action]) async throws {
        for action in actions {
            switch action {
            case .send(let message):
                try await connection.send(message.serialize())
            case .registered(let nick):
                logger.info("irc.registered", metadata: ["irc.nick": "\(nick)"])
                helpline.outboxBell(for: IRCChannel.channel).ring()
            case .privateMessage(let from, _, let text, let messageID):
                // IRC nicks are case-insensitive: one worker, one address, one pseudonym.
                let message = InboundMessage(
                    channel: IRCChannel.channel, messageID: messageID ?? UUID().uuidString,
                    address: from.lowercased(), text: text)
                _ = try helpline.receive(message)
            case .addressedInChannel(let channel, let from, let text):
                let language = helpline.library.snapshot.matcher.detectLanguage(text) ?? .en
                let invite = SystemMessage.privateOnly.text(in: language).replacingOccurrences(of: "%@", with: client.nick)
                queue.append(
                    Chunk(outboxID: -1, target: channel, text: "\(from): \(invite)", isLast: false), for: channel)
                helpline.outboxBell(for: IRCChannel.channel).ring()
            case .channelMessage:
                break  // volunteers' commands arrive with the case tracker
            case .pong(let token):
                guard let proven = awaitingProof.removeValue(forKey: token) else { break }  // a liveness PING
                for item in proven {
                    inFlight.remove(item.id)
                    items[item.id] = nil
                    if unreachable.contains(item.address) {
                        // Not delivered: it stays in the outbox and is tried again later.
                        retryAt[item.address] = .now + Self.retryUnreachableAfter
                        try helpline.store.recordAttempt(item)
                    } else {
                        try helpline.store.markDelivered(item)
                    }
                }
                unreachable.removeAll()
            case .undeliverable(let target):
                unreachable.insert(target.lowercased())
            case .disconnect(let reason):
                closing = reason
            case .warning(let text):
                logger.warning("irc.server_warning", metadata: ["irc.warning": "\(text)"])
            }
        }
    }
}

extension Duration {
    var curlMillisecondsForLog: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
