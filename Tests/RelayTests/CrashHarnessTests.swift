import CaseTracker
import Foundation
import PollProtocol
import Relay
import TestSupport
import Testing
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// The crash harness: `entraide serve` as its own process against a real relay, SIGKILLed at
/// random moments and restarted while workers keep writing. Afterwards every message the relay
/// acknowledged is answered, no worker has the same answer twice, and the store passes SQLite's
/// integrity check. The suite runs 1,000 messages and 5 kills; `ENTRAIDE_LONG_TESTS=1`
/// (scripts/prove) runs 10,000 and 50.
@Suite(.serialized) struct CrashHarnessTests {
    static let questions = [
        "hello", "my work was rejected and not paid", "how do I join a union", "what are my rights as a worker",
        "my account was deactivated", "I think this task is a scam", "how much should I be paid", "I feel exhausted",
    ]

    @Test(.timeLimit(.minutes(30))) func killedAtRandomTheHelplineLosesAndDoublesNothing() async throws {
        let count = longTests ? 10_000 : 1_000
        let kills = longTests ? 50 : 5
        let relay = try RelayUnderTest()
        defer { relay.process.stop() }
        let directory = try temporaryDirectory("crash")
        // The store's default durability (full: fsync at every commit), as an operator runs it;
        // debug records for the batches' duplicate counts (counts only, never a text).
        let configuration = try relay.httpConfiguration(in: directory, ["poll_wait_seconds: 1"])
        func start() throws -> ServeUnderTest {
            try ServeUnderTest(configuration: configuration, directory: directory, arguments: ["--log-level", "debug"])
        }
        var current = try start()
        var finished: [ServeUnderTest] = []
        let started = ContinuousClock.now

        // Workers write through the relay at a steady 130 messages a second (so the kills fall
        // while there is work), at most 8 requests in flight, each worker once (so "answered
        // twice" is visible).
        let injector = try CurlEventLoop()
        let load = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                let start = ContinuousClock.now
                var acknowledged = 0
                for index in 0..<count {
                    if index >= 8, let status = try await group.next(), status == 200 { acknowledged += 1 }
                    let due = start + .milliseconds(index * 1_000 / 130)
                    if due > .now { try await Task.sleep(until: due) }
                    group.addTask {
                        try await relay.postInbound(
                            InboundSubmission(id: "m-\(index)", from: "+3370000\(index)", text: Self.questions[index % Self.questions.count]),
                            loop: injector
                        ).status
                    }
                }
                while let status = try await group.next() { if status == 200 { acknowledged += 1 } }
                return acknowledged
            }
        }

        // SIGKILL at random moments of work: once the new process has committed a batch, 0–1 s
        // later, wherever it is (polling, committing, answering, sending, acknowledging).
        let relayStore = try RelayStore(path: relay.storePath, fullSync: false)
        var random = SystemRandomNumberGenerator()
        var killedWith: [Int] = []  // replies the relay held at each kill
        for _ in 0..<kills {
            _ = try await current.output.waitFor("batch.received", timeout: .seconds(10))
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...1_000, using: &random)))
            current.kill()
            killedWith.append(try relayStore.figures().outbound)
            finished.append(current)
            current = try start()
        }
        let acknowledged = try await load.value
        injector.shutdown()

        let deadline = ContinuousClock.now + .seconds(longTests ? 900 : 240)
        while try relayStore.figures().recipients < acknowledged, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(2))  // anything doubled would arrive now
        current.kill()
        finished.append(current)
        let elapsed = ContinuousClock.now - started

        let figures = try relayStore.figures()
        var textsByRecipient: [String: [String]] = [:]
        for reply in try relayStore.allReplies() { textsByRecipient[reply.message.to, default: []].append(reply.message.text) }
        let doubled = textsByRecipient.values.filter { Set($0).count != $0.count }.count
        let store = try CaseStore(path: current.data.appendingPathComponent("entraide.sqlite").path)
        let integrity = try store.integrityCheck()
        let deduplicated = finished.reduce(0) { $0 + $1.duplicatesDropped }
        print(
            "crash harness: \(acknowledged) messages acknowledged by the relay, \(kills) SIGKILLs (replies at the relay"
                + " at the kills: \(killedWith.map(String.init).joined(separator: ", "))) in \(elapsed);"
                + " answered \(figures.recipients), lost \(acknowledged - figures.recipients), workers answered twice \(doubled);"
                + " committed-but-unacknowledged messages served again and dropped as duplicates: \(deduplicated);"
                + " replies sent again and deduplicated by id at the relay: \(figures.outboundRepeats); integrity_check: \(integrity)")
        #expect(acknowledged == count)
        #expect(figures.recipients == acknowledged, "lost: \(acknowledged - figures.recipients)")
        #expect(doubled == 0)
        #expect(integrity == "ok")
        // The deduplication count is read from the processes' own records: they must be there.
        #expect(finished.contains { $0.output.text.contains("batch.duplicates=") })
        #expect(try store.pendingInbox().isEmpty)
    }
}

extension ServeUnderTest {
    /// Messages this process found already committed when the relay served them again: what a
    /// kill between the commit and the cursor's acknowledgement would leave, deduplicated.
    var duplicatesDropped: Int {
        output.text.split(separator: "\n").reduce(0) { sum, line in
            guard let range = line.range(of: "batch.duplicates=") else { return sum }
            return sum + (Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0)
        }
    }
}
