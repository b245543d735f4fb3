import Foundation
import PollProtocol
import TestSupport
import Testing
import Transport

/// 300 sockets opened to the relay and left idle, under a 256-descriptor limit, held for 40 s: a worker who
/// writes meanwhile is still answered, once the idle ones are closed (issue #18, item 4). Before, the relay took
/// connections until it ran out of descriptors and never closed an idle one: nobody got in while they were held.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit"), "needs prlimit (util-linux)"))
struct IdleSocketsTests {
    @Test(.timeLimit(.minutes(2))) func idleSocketsDoNotLockWorkersOut() async throws {
        let relay = try RelayUnderTest(descriptorLimit: 256)
        defer { relay.process.stop() }
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = [
            "python3", "-c",
            """
            import socket, sys, time
            held = []
            for _ in range(300):
                try:
                    held.append(socket.create_connection(("127.0.0.1", \(relay.port)), timeout=1))
                except OSError:
                    pass
            print(len(held), flush=True)
            time.sleep(40)
            """,
        ]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer { if holder.isRunning { holder.terminate() } }
        let opened = Int(String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
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
