import CaseTracker
import Foundation
import Gateway
import Helpline
import IntentMatcher
import Logging
import PollProtocol
import Relay
import Synchronization
import TestSupport
import Testing
import Transport

/// The bot's side in this process (HTTPPollChannel + engine on a temporary SQLite store), the
/// relay as a real process.
final class PollingBot: Sendable {
    let helpline: Helpline
    let store: CaseStore
    let loop: CurlEventLoop
    let channel: HTTPPollChannel
    let task: Task<Void, any Error>

    init(relay: RelayUnderTest, pollWait: Duration = .seconds(2), requestTimeout: Duration = .seconds(2), engine: Bool = true) throws {
        let directory = try temporaryDirectory("bot")
        var logger = Logger(label: "http-test")
        logger.logLevel = .error
        store = try CaseStore(path: directory.appendingPathComponent("store.sqlite").path, durability: .normal)
        let library = try AnswerLibrary(directory: repositoryRoot.appendingPathComponent("intents"), logger: logger)
        helpline = Helpline(
            store: store, library: library, pseudonymizer: Pseudonymizer(key: Array(repeating: 7, count: 32)),
            defaultLanguage: .en, logger: logger)
        loop = try CurlEventLoop(logger: logger)
        let configuration = HTTPPollChannelConfiguration(
            baseURL: relay.baseURL, token: RelayUnderTest.botToken, pollWait: pollWait, connectTimeout: .seconds(2),
            requestTimeout: requestTimeout, sendConcurrency: 8, batchLimit: 100, retryBase: .milliseconds(20),
            retryCap: .milliseconds(400))
        let channel = HTTPPollChannel(loop: loop, helpline: helpline, configuration: configuration, logger: logger)
        self.channel = channel
        let engineService = EngineService(helpline: helpline)
        task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await channel.run() }
                if engine { group.addTask { try await engineService.run() } }
                try await group.waitForAll()
            }
        }
    }

    func stop() async {
        task.cancel()
        _ = await task.result
        loop.shutdown()
    }
}

@Suite(.serialized) struct PollingUnderFaultsTests {
    /// 1,000 by default, 10,000 with ENTRAIDE_LONG_TESTS=1.
    @Test(.timeLimit(.minutes(10))) func everyMessageIsAnsweredOnceUnderInjectedFaults() async throws {
        let count = longTests ? 10_000 : 1_000
        let faults = "drop=2%,500=2%,429=1/500:retry_after=1,hold=1%:seconds=3,oversize@updates=1/25"
        let relay = try RelayUnderTest(faults: faults)
        defer { relay.process.stop() }
        let bot = try PollingBot(relay: relay)
        let started = ContinuousClock.now

        // The bot's cursor and inbox, sampled while it works: each sample is one read transaction.
        let samples = Mutex<[(cursor: String?, ids: Set<String>)]>([])
        let sampler = Task {
            while !Task.isCancelled {
                if let snapshot = try? bot.store.committedSnapshot(channel: "http") {
                    samples.withLock { $0.append((snapshot.cursor, snapshot.messageIDs)) }
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }

        // Workers write through the relay's webhook, 8 at a time.
        let injector = try CurlEventLoop()
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            func add() {
                let index = next
                next += 1
                group.addTask {
                    try await relay.postInbound(
                        InboundSubmission(id: "sms-\(index)", from: "+3360000\(index)", text: "hello"), loop: injector
                    ).status
                }
            }
            for _ in 0..<8 { add() }
            while let status = try await group.next() {
                #expect(status == 200)
                if next < count { add() }
            }
        }
        injector.shutdown()

        let relayStore = try RelayStore(path: relay.storePath, fullSync: false)
        let deadline = ContinuousClock.now + .seconds(longTests ? 540 : 240)
        while try relayStore.figures().recipients < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(2))  // anything doubled would arrive now
        sampler.cancel()
        _ = await sampler.value
        await bot.stop()
        let elapsed = ContinuousClock.now - started

        let figures = try relayStore.figures()
        let replies = try relayStore.allReplies()
        var perRecipient: [String: Int] = [:]
        for reply in replies { perRecipient[reply.message.to, default: 0] += 1 }
        let counters = bot.channel.counters.snapshot
        print(
            "http faults: \(count) messages in \(elapsed); replies \(figures.outbound) to \(figures.recipients) workers;"
                + " repeats acknowledged at the relay \(figures.outboundRepeats); duplicates dropped by the bot"
                + " \(counters.duplicatesDropped); polls \(counters.polls), failed \(counters.pollFailures),"
                + " invalid \(counters.invalidResponses); send failures \(counters.sendFailures); samples"
                + " \(samples.withLock { $0.count })")
        #expect(figures.recipients == count, "lost: \(count - figures.recipients)")
        #expect(Set(perRecipient.values) == [1], "answered twice: \(perRecipient.values.filter { $0 > 1 }.count)")
        #expect(figures.outbound == count)

        // The cursor never covered a message that was not committed with it.
        let sequences = try relayStore.inboundSequences()
        let bySequence = Dictionary(uniqueKeysWithValues: sequences.map { ($0.value, $0.key) })
        var ahead = 0
        for sample in samples.withLock({ $0 }) {
            guard let cursor = sample.cursor.flatMap({ Int64($0) }) else { continue }
            for sequence in 1...max(1, cursor) where cursor > 0 {
                if let id = bySequence[sequence], !sample.ids.contains(id) { ahead += 1 }
            }
        }
        #expect(ahead == 0)
    }

    /// 300 workers who blocked the bot (the endpoint answers 403 to every reply to them, as Telegram does): their
    /// replies are refused and stay aside, and a worker who writes now, while they are tried or after, is answered
    /// within 2 s.
    @Test(.timeLimit(.minutes(3))) func recipientsWhoBlockedTheBotDoNotDelayANewWorker() async throws {
        let relay = try RelayUnderTest(faults: "403@messages=100%:to=+99")
        defer { relay.process.stop() }
        let bot = try PollingBot(relay: relay, pollWait: .seconds(1))
        let relayStore = try RelayStore(path: relay.storePath, fullSync: false)
        let injector = try CurlEventLoop()
        defer { injector.shutdown() }

        try await withThrowingTaskGroup(of: Int.self) { group in
            for start in stride(from: 0, to: 300, by: 38) {
                group.addTask {
                    for index in start..<min(start + 38, 300) {
                        let status = try await relay.postInbound(
                            InboundSubmission(id: "blocked-\(index)", from: "+99\(index)", text: "hello"), loop: injector
                        ).status
                        guard status == 200 else { return status }
                    }
                    return 200
                }
            }
            while let status = try await group.next() { #expect(status == 200) }
        }

        /// Posts a fresh worker's question and waits for the reply at the relay.
        func answerDelay(of worker: String) async throws -> Duration? {
            let start = ContinuousClock.now
            #expect(try await relay.postInbound(InboundSubmission(id: worker, from: worker, text: "hello"), loop: injector).status == 200)
            while ContinuousClock.now - start < .seconds(10) {
                if try !relayStore.replies(to: worker, after: 0, limit: 10).isEmpty { return ContinuousClock.now - start }
                try await Task.sleep(for: .milliseconds(20))
            }
            return nil
        }

        // While the blocked workers' replies are being tried.
        let during = try await answerDelay(of: "+3361000001")
        #expect(during != nil && during! < .seconds(2), "answered after \(String(describing: during)) while the refusals ran")

        // Once every blocked worker has been refused.
        let deadline = ContinuousClock.now + .seconds(60)
        while bot.channel.counters.snapshot.refused < 300, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(bot.channel.counters.snapshot.refused >= 300, "refused: \(bot.channel.counters.snapshot.refused)")
        let after = try await answerDelay(of: "+3361000002")
        #expect(after != nil && after! < .seconds(2), "answered after \(String(describing: after)) with 300 refused replies waiting")

        // Nothing reached a blocked worker; their replies wait aside (until given up), not delivered.
        #expect(try relayStore.allReplies().allSatisfy { !$0.message.to.hasPrefix("+99") })
        let pending = try bot.store.pendingOutbox(channel: "http", limit: 1_000)
        #expect(pending.count >= 300 && pending.allSatisfy { $0.address.hasPrefix("+99") }, "pending: \(pending.count)")
        await bot.stop()
        print("http 403: a new worker answered in \(during.map { "\($0)" } ?? "-") while 300 blocked were tried, \(after.map { "\($0)" } ?? "-") after")
    }
}
