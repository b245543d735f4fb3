import CaseTracker
import Foundation
import Gateway
import PollProtocol
import TestSupport
import Testing
import Transport

@Suite(.serialized) struct LongPollTests {
    /// 100 polls held 25 s with ENTRAIDE_LONG_TESTS=1; 20 held 3 s by default. All on one curl multi handle.
    @Test(.timeLimit(.minutes(3))) func concurrentEmptyLongPollsAllEndByTheServersAnswer() async throws {
        let (polls, hold) = longTests ? (100, 25) : (20, 3)
        let relay = try RelayUnderTest()
        defer { relay.process.stop() }
        let loop = try CurlEventLoop()
        defer { loop.shutdown() }
        let started = ContinuousClock.now
        let results = try await withThrowingTaskGroup(of: (Int, String, Duration).self) { group in
            for _ in 0..<polls {
                group.addTask {
                    let begun = ContinuousClock.now
                    let response = try await loop.execute(
                        HTTPRequest(
                            url: "\(relay.baseURL)/updates?after=0&wait=\(hold)",
                            headers: [HTTPHeader("Authorization", "Bearer \(RelayUnderTest.botToken)")],
                            totalTimeout: .seconds(hold + 10), lowSpeedBytesPerSecond: 1, lowSpeedWindow: .seconds(hold + 10)))
                    let page = try JSONDecoder().decode(UpdatesPage.self, from: Data(response.body))
                    #expect(page.messages.isEmpty)
                    return (response.status, page.cursor, ContinuousClock.now - begun)
                }
            }
            var all: [(Int, String, Duration)] = []
            for try await result in group { all.append(result) }
            return all
        }
        let elapsed = ContinuousClock.now - started
        print("long-polls: \(results.count) held \(hold) s concurrently, all back in \(elapsed)")
        #expect(results.count == polls)
        #expect(results.allSatisfy { $0.0 == 200 })
        #expect(results.allSatisfy { $0.1 == "0" }, "an empty poll moved the cursor")
        #expect(results.allSatisfy { $0.2 >= .seconds(hold) - .milliseconds(500) }, "a poll came back early")
        #expect(elapsed < .seconds(hold + 8))
    }

    @Test(.timeLimit(.minutes(2))) func emptyPollsMoveNothingInTheBotsStore() async throws {
        let relay = try RelayUnderTest()
        defer { relay.process.stop() }
        let bot = try PollingBot(relay: relay, pollWait: .seconds(2), engine: false)
        try await Task.sleep(for: .seconds(7))
        let counters = bot.channel.counters.snapshot
        #expect(try bot.store.cursor(of: "http") == nil)
        // Then one message moves it, to exactly that message.
        let injector = try CurlEventLoop()
        #expect(try await relay.postInbound(.init(id: "one", from: "+1", text: "hello"), loop: injector).status == 200)
        injector.shutdown()
        try await Task.sleep(for: .seconds(1))
        #expect(try bot.store.cursor(of: "http") == "1")
        await bot.stop()
        print("empty polls: \(counters.emptyPolls) of \(counters.polls), client timeouts \(counters.pollTimeouts)")
        #expect(counters.emptyPolls >= 2)
        #expect(counters.pollTimeouts == 0)
        #expect(counters.pollFailures == 0)
    }
}
