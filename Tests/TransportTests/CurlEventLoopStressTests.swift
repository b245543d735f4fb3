import Foundation
import Synchronization
import TestSupport
import Testing
import Transport

/// The event loop's cross-thread edges from real OS threads at once: `submit` and `nextID` from
/// four callers' threads, results resumed from the loop's thread, cancellation and `shutdown`
/// from two more. Under `scripts/sanitize thread` this is where TSan sees them overlap.
@Suite(.serialized, .timeLimit(.minutes(5))) final class CurlEventLoopStressTests {
    static let callerThreads = 4
    let server: ServerProcess
    let loop: CurlEventLoop
    let executors: [ThreadExecutor]

    init() throws {
        server = try startHTTPTestServer()
        loop = try CurlEventLoop()
        executors = (0..<Self.callerThreads).map { ThreadExecutor(name: "caller-\($0)") }
    }

    deinit {
        loop.shutdown()
        for executor in executors { executor.stop() }
        server.stop()
    }

    private func url(_ path: String) -> String { "http://127.0.0.1:\(server.port)\(path)" }

    /// 4 threads, each sending 25 requests one after the other, all four at once: every caller
    /// gets its own body back, none is lost or handed to another caller. One request per thread
    /// in flight, not 25: the Python test server listens with a backlog of 5 (socketserver's
    /// default), and 100 connections at once overflowed it under ASan (one request then waited
    /// past its 30 s timeout for an accept), which tests that server, not the loop.
    @Test func everyCallerOnEveryThreadGetsItsOwnResponse() async throws {
        let perThread = 25
        let loop = self.loop
        let echoURL = url("/echo")
        let tasks = executors.enumerated().map { thread, executor in
            Task(executorPreference: executor) { () async throws -> (callers: Set<UInt>, answered: Int, mismatched: Int) in
                var callers = Set<UInt>()
                var mismatched = 0
                for index in 0..<perThread {
                    let body = "thread-\(thread)-request-\(index)"
                    callers.insert(currentThreadID())
                    let response = try await loop.execute(HTTPRequest(method: .post, url: echoURL, body: Array(body.utf8)))
                    let echo = try JSONDecoder().decode([String: String?].self, from: Data(response.body))
                    if echo["body"] != body { mismatched += 1 }
                }
                return (callers, perThread, mismatched)
            }
        }
        var callers = Set<UInt>()
        var answered = 0
        var mismatched = 0
        for task in tasks {
            let result = try await task.value
            callers.formUnion(result.callers)
            answered += result.answered
            mismatched += result.mismatched
        }
        #expect(callers.count == Self.callerThreads, "requests were submitted from \(callers.count) threads")
        #expect(answered == Self.callerThreads * perThread)
        #expect(mismatched == 0)
    }

    /// Long polls in flight from 4 threads; one more thread cancels half of them while another
    /// shuts the loop down. Every call ends at once with a cancellation, and a call after the
    /// shutdown is refused rather than left waiting.
    @Test func cancellingAndShuttingDownFromOtherThreadsEndsEveryTransfer() async throws {
        let loop = self.loop
        let pollURL = url("/poll?hold=30")
        var tasks: [Task<Void, any Error>] = []
        for executor in executors {
            for _ in 0..<3 {
                tasks.append(
                    Task(executorPreference: executor) {
                        _ = try await loop.execute(HTTPRequest(url: pollURL, totalTimeout: .seconds(60)))
                    })
            }
        }
        try await Task.sleep(for: .milliseconds(500))  // let them reach the server
        let started = ContinuousClock.now
        let toCancel = tasks.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let run = runOnRealThreads(
            [
                ("canceller", { for task in toCancel { task.cancel() } }),
                ("shutdown", { loop.shutdown() }),
            ], timeout: .seconds(10))
        #expect(run.finishedInTime && run.distinctThreads == 2)
        var ended = 0
        for task in tasks {
            switch await task.result {
            case .success: Issue.record("a 30-second long poll answered although it was cancelled")
            case .failure(let error):
                if error is CancellationError || (error as? TransportError)?.kind == .cancelled { ended += 1 }
                else { Issue.record("unexpected error \(error)") }
            }
        }
        #expect(ended == tasks.count)
        #expect(ContinuousClock.now - started < .seconds(10), "cancelled transfers should end at once, not at the server's 30 s")
        await #expect(throws: TransportError(.cancelled, detail: "event loop stopped")) {
            _ = try await loop.execute(HTTPRequest(url: self.url("/hello")))
        }
    }
}
