import ChannelRecords
import Foundation
public import Helpline
public import Logging
import PollProtocol
public import ServiceLifecycle
public import Transport

/// Workers write through an HTTP endpoint the bot polls (an SMS or chat relay, a web form, the
/// Telegram Bot API); the bot answers through the same endpoint.
///
/// A `Service` with two loops. The poll loop long-polls for messages and commits each batch to
/// the inbox together with the new cursor, so the endpoint is told "got it" (the next poll's
/// cursor) only about what is durable. The send loop drains the outbox, each reply carrying its
/// outbox key as idempotency id, and marks a reply delivered only after a 2xx. Every failure
/// (network, 408, 429, 5xx, a hostile or invalid answer) waits with capped, fully jittered backoff
/// or the server's `Retry-After`, and tries again; nothing here crashes on what a peer sends.
public final class HTTPPollChannel: Service, Sendable {
    private let loop: CurlEventLoop
    /// The helpline's door for this channel: the only part of the helpline a channel uses.
    private let mailbox: Mailbox
    private let configuration: HTTPPollChannelConfiguration
    private let dialect: any PollDialect
    private let logger: Logger
    public let counters = HTTPPollCounters()

    public init(loop: CurlEventLoop, helpline: Helpline, configuration: HTTPPollChannelConfiguration, logger: Logger) {
        self.loop = loop
        self.mailbox = helpline.mailbox(for: configuration.channelName)
        self.configuration = configuration
        dialect = Self.dialect(for: configuration)
        self.logger = logger
    }

    static func dialect(for configuration: HTTPPollChannelConfiguration) -> any PollDialect {
        switch configuration.flavour {
        case .generic: GenericPollDialect(configuration: configuration)
        case .telegram: TelegramPollDialect(configuration: configuration)
        }
    }

    /// Reads an endpoint's answer to a poll exactly as the poll loop does, without a network or a store: for
    /// the fuzz target of the answer decoding and the tests that replay its corpus.
    package static func readPoll(
        _ response: HTTPResponse, configuration: HTTPPollChannelConfiguration
    ) throws(PollProblem) -> PolledBatch {
        let dialect = dialect(for: configuration)
        // The poll this answer would follow (a fixed cursor: the fuzz target reads answers, not cursors).
        guard let request = try? dialect.pollRequest(cursor: nil) else {
            throw dialect.invalid("the configuration cannot make a poll")
        }
        return try dialect.readPoll(response, answering: request, channel: configuration.channelName)
    }

    public var channel: String { configuration.channelName }

    public func run() async throws {
        logger.info("http.starting", metadata: ["channel": "\(channel)", "http.flavour": "\(configuration.flavour.rawValue)"])
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.pollLoop() }
                group.addTask { await self.sendLoop() }
                await group.waitForAll()
            }
        }
    }

    // MARK: Polling

    private func pollLoop() async {
        var backoff = Backoff(base: configuration.retryBase, cap: configuration.retryCap)
        var cursor: String?
        while !Task.isCancelled {
            do {
                if cursor == nil { cursor = try mailbox.cursor() }
                let batch = try await pollOnce(cursor: cursor)
                if let next = batch.cursor {
                    // The commit comes first; the next poll, carrying `next`, is the acknowledgement.
                    let outcome = try mailbox.receive(batch: batch.messages, cursor: next)
                    counters.update {
                        $0.messagesStored += outcome.stored
                        $0.duplicatesDropped += outcome.duplicates
                    }
                    cursor = next
                }
                counters.update { $0.failingPollsInARow = 0 }
                backoff.reset()
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                counters.update {
                    $0.pollFailures += 1
                    $0.failingPollsInARow += 1
                }
                await pause(after: error, backoff: &backoff, loop: "poll")
            }
        }
    }

    private func pollOnce(cursor: String?) async throws -> PolledBatch {
        counters.update { $0.polls += 1 }
        let response: HTTPResponse
        let request = try dialect.pollRequest(cursor: cursor)
        do {
            response = try await loop.execute(request)
        } catch let error as TransportError where error.kind == .timedOut {
            counters.update { $0.pollTimeouts += 1 }
            throw error
        }
        do {
            let batch = try dialect.readPoll(response, answering: request, channel: channel)
            if batch.cursor == nil { counters.update { $0.emptyPolls += 1 } }
            return batch
        } catch let problem {
            if problem.kind == .invalidResponse { counters.update { $0.invalidResponses += 1 } }
            throw problem
        }
    }

    // MARK: Sending

    /// How long replies to a worker whose reply was refused for good are left aside before they are tried again.
    static let retryRefusedAfter = Duration.seconds(3_600)

    private func sendLoop() async {
        let bell = mailbox.bell
        var backoff = Backoff(base: configuration.retryBase, cap: configuration.retryCap)
        // Workers whose reply the endpoint refused for good (a 4xx, such as Telegram's 403 for a user who blocked
        // the bot): their replies are not fetched again for an hour, and are given up once
        // `delivery.give_up_after_hours` old. Left out of the query, not filtered after it: a few hundred of them
        // would otherwise fill every page and stop the channel for everyone else.
        var refused: Set<String> = []
        var refusedSince = ContinuousClock.now
        while !Task.isCancelled {
            if ContinuousClock.now - refusedSince > Self.retryRefusedAfter {
                refused = []
                refusedSince = .now
            }
            let pending: [OutboxItem]
            do {
                pending = try mailbox.pendingReplies(limit: 200, excluding: refused)
            } catch {
                logger.error("http.outbox_unreadable", metadata: ["channel": "\(channel)", "error": "\(error)"])
                await bell.wait(timeout: .seconds(5))
                continue
            }
            if pending.isEmpty {
                await bell.wait(timeout: .seconds(5))
                continue
            }
            let round = await sendRound(pending)
            refused.formUnion(round.refused)
            if let failure = round.failure {
                await pause(after: failure, backoff: &backoff, loop: "send")
            } else {
                backoff.reset()
            }
        }
    }

    private struct RoundResult: Sendable {
        /// The workers (pseudonyms) whose reply was refused for good.
        var refused: [String] = []
        var failure: PollProblem?
    }

    /// Sends one round: each worker's replies in order, up to `sendConcurrency` workers at once.
    private func sendRound(_ pending: [OutboxItem]) async -> RoundResult {
        var queues: [String: [OutboxItem]] = [:]
        var order: [String] = []
        for item in pending {
            if queues[item.address] == nil { order.append(item.address) }
            queues[item.address, default: []].append(item)
        }
        var result = RoundResult()
        await withTaskGroup(of: RoundResult.self) { group in
            var next = 0
            func startNext() {
                guard next < order.count, let items = queues[order[next]] else { return }
                next += 1
                group.addTask { await self.sendInOrder(items) }
            }
            for _ in 0..<configuration.sendConcurrency { startNext() }
            while let finished = await group.next() {
                result.refused += finished.refused
                if let failure = finished.failure {
                    // Later workers wait for the pause too: the endpoint is struggling.
                    let latest = max(result.failure?.notBefore ?? .zero, failure.notBefore ?? .zero)
                    result.failure = PollProblem(kind: failure.kind, notBefore: latest == .zero ? nil : latest, reason: failure.reason)
                } else if !Task.isCancelled {
                    startNext()
                }
            }
        }
        return result
    }

    private func sendInOrder(_ items: [OutboxItem]) async -> RoundResult {
        var result = RoundResult()
        for item in items {
            do {
                let request = try dialect.sendRequest(item)
                let response = try await loop.execute(request)
                try dialect.readSend(response, answering: request)
                try mailbox.delivered(item)
                counters.update { $0.sent += 1 }
            } catch let problem as PollProblem where problem.kind == .giveUp {
                // Sending it again would be refused the same way: tell the operator, go on with the rest.
                logger.error(
                    "http.reply_refused",
                    metadata: ["channel": "\(channel)", "outbox.key": "\(item.key)", "http.reason": "\(problem.reason)"])
                try? mailbox.record([.undeliverable(item)])
                counters.update { $0.refused += 1 }
                result.refused.append(item.pseudonym)
                return result  // later replies to this worker wait for the next round, in order
            } catch {
                try? mailbox.failedAttempt(item)
                counters.update { $0.sendFailures += 1 }
                result.failure = error as? PollProblem
                    ?? PollProblem(kind: .retry, notBefore: nil, reason: "\(error)")
                return result
            }
        }
        return result
    }

    // MARK: Waiting

    /// Waits before trying again: the server's Retry-After when it gave one (never sooner), or
    /// else a capped, fully jittered backoff.
    private func pause(after error: any Error, backoff: inout Backoff, loop name: String) async {
        var random = SystemRandomNumberGenerator()
        var delay = backoff.nextDelay(using: &random)
        if let problem = error as? PollProblem, let notBefore = problem.notBefore { delay = max(delay, notBefore) }
        // The reason is a status, a libcurl message or a parse failure: never a body, a URL or a token.
        logger.warning(
            "http.retrying",
            metadata: [
                "channel": "\(channel)", "http.loop": "\(name)", "http.reason": "\(error)",
                "http.delay_ms": "\(delay.curlMillisecondsForLog)",
            ])
        try? await Task.sleep(for: delay)
    }
}
