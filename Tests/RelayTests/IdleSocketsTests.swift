import Foundation
import PollProtocol
import TestSupport
import Testing
import Transport

@testable import Relay

/// 300 sockets opened to the relay and left idle, under a 256-descriptor limit, held for 40 s: a worker who
/// writes meanwhile is still answered, once the idle ones are closed (issue #18, item 4). Before, the relay took
/// connections until it ran out of descriptors and never closed an idle one: nobody got in while they were held.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit"), "needs prlimit (util-linux)"))
struct IdleSocketsTests {
    /// A process that opens up to 300 sockets to `port` and holds them, sending nothing, for 40 s; and how many
    /// it opened.
    private func holdIdleSockets(port: Int) throws -> (Process, Int) {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = [
            "python3", "-c",
            """
            import socket, sys, time
            held = []
            for _ in range(300):
                try:
                    held.append(socket.create_connection(("127.0.0.1", \(port)), timeout=1))
                except OSError:
                    pass
            print(len(held), flush=True)
            time.sleep(40)
            """,
        ]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        let opened = Int(String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        return (holder, opened)
    }

    @Test(.timeLimit(.minutes(2))) func idleSocketsDoNotLockWorkersOut() async throws {
        let relay = try RelayUnderTest(descriptorLimit: 256)
        defer { relay.process.stop() }
        let (holder, opened) = try holdIdleSockets(port: relay.port)
        defer { if holder.isRunning { holder.terminate() } }
        #expect(opened >= 250, "sockets opened: \(opened)")

        let loop = try CurlEventLoop()
        defer { loop.shutdown() }
        let start = ContinuousClock.now
        let status = try? await relay.postInbound(InboundSubmission(id: "idle-1", from: "+4479000001", text: "hello"), loop: loop).status
        let waited = ContinuousClock.now - start
        #expect(status == 200, "the worker was not answered (\(String(describing: status))) after \(waited)")
        #expect(holder.isRunning, "the idle sockets were still held")
        print("idle sockets: \(opened) held under a 256-descriptor limit; the worker answered \(String(describing: status)) after \(waited)")
    }

    /// The same flood on `serve`'s health port: `serve` shares its descriptors with its channels, so a health port
    /// that kept idle sockets would leave none to poll the relay with. A worker writing through the relay is
    /// still answered while they are held, and `/health` answers again once they are closed.
    @Test(.timeLimit(.minutes(3))) func idleSocketsOnTheHealthPortDoNotStopTheHelpline() async throws {
        let directory = try temporaryDirectory("idle-health")
        let relay = try RelayUnderTest()
        defer { relay.process.stop() }
        let healthPort = freeLoopbackPort()
        let serve = try ServeUnderTest(
            configuration: try relay.httpConfiguration(in: directory, ["poll_wait_seconds: 2", "retry_cap_seconds: 2"])
                + "\nhealth:\n  listen: 127.0.0.1:\(healthPort)\n",
            directory: directory, descriptorLimit: 256)
        defer { serve.kill() }
        let loop = try CurlEventLoop()
        defer { loop.shutdown() }
        func health(timeout: Duration) async -> Int? {
            try? await loop.execute(
                HTTPRequest(method: .get, url: "http://127.0.0.1:\(healthPort)/health", totalTimeout: timeout)).status
        }
        var ready = ContinuousClock.now + .seconds(30)
        while await health(timeout: .seconds(2)) == nil, ContinuousClock.now < ready { try await Task.sleep(for: .milliseconds(200)) }
        #expect(await health(timeout: .seconds(5)) == 200, "serve said: \(serve.output.text.suffix(1500))")

        let (holder, opened) = try holdIdleSockets(port: healthPort)
        defer { if holder.isRunning { holder.terminate() } }
        #expect(opened >= 250, "sockets opened: \(opened)")

        let start = ContinuousClock.now
        #expect(try await relay.postInbound(InboundSubmission(id: "idle-h-1", from: "+4479000002", text: "hello"), loop: loop).status == 200)
        let relayStore = try RelayStore(path: relay.storePath, fullSync: false)
        ready = ContinuousClock.now + .seconds(35)
        while try relayStore.figures().recipients < 1, ContinuousClock.now < ready { try await Task.sleep(for: .milliseconds(200)) }
        let answeredAfter = ContinuousClock.now - start
        #expect(try relayStore.figures().recipients == 1, "the worker was not answered; serve said: \(serve.output.text.suffix(1500))")
        #expect(holder.isRunning, "the idle sockets were still held")
        let healthStart = ContinuousClock.now
        let status = await health(timeout: .seconds(20))
        print("idle sockets on the health port: \(opened) held under a 256-descriptor limit; the worker answered after"
              + " \(answeredAfter); /health \(String(describing: status)) after \(ContinuousClock.now - healthStart)")
        #expect(status == 200)
    }

    /// A long-poll is a request being answered, not an idle socket: one held 15 s (past the 10 s idle timeout)
    /// comes back whole.
    @Test(.timeLimit(.minutes(1))) func aLongPollPastTheIdleTimeoutIsNotCut() async throws {
        let relay = try RelayUnderTest()
        defer { relay.process.stop() }
        let loop = try CurlEventLoop()
        defer { loop.shutdown() }
        let start = ContinuousClock.now
        let response = try await loop.execute(
            HTTPRequest(
                method: .get, url: "\(relay.baseURL)/updates?after=0&wait=15",
                headers: [HTTPHeader("Authorization", "Bearer \(RelayUnderTest.botToken)")],
                totalTimeout: .seconds(30)))
        let held = ContinuousClock.now - start
        #expect(response.status == 200)
        #expect(held >= .seconds(14), "cut after \(held)")
    }
}
