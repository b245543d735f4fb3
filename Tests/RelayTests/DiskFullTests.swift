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

/// The data directory on a 4 MiB tmpfs that fills up: the helpline stops acknowledging (the
/// relay keeps serving the same batch), says so in its log and at /health, and once space
/// returns it resumes by itself and answers everything the relay took. Mounting needs root,
/// which CI has (it installs packages with apt-get); elsewhere the test says why it is skipped.
@Suite(.serialized, .enabled(if: geteuid() == 0, "mounting a 4 MiB tmpfs for the data directory needs root"))
struct DiskFullTests {
    @Test(.timeLimit(.minutes(5))) func aFullDiskStopsAcknowledgingAndRecoveryLosesNothing() async throws {
        let directory = try temporaryDirectory("diskfull")
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", data.path])
        defer { _ = try? run("/bin/umount", ["-l", data.path]) }

        let relay = try RelayUnderTest()
        defer { relay.process.stop() }
        let healthPort = freeLoopbackPort()
        let serve = try ServeUnderTest(
            configuration: "health:\n  listen: 127.0.0.1:\(healthPort)\n"
                + (try relay.httpConfiguration(in: directory, ["poll_wait_seconds: 1", "retry_cap_seconds: 2"])),
            directory: directory, data: data)
        defer { serve.kill() }
        let output = serve.output
        let loop = try CurlEventLoop()
        defer { loop.shutdown() }
        func health() async -> (status: Int, body: String) {
            guard let response = try? await loop.execute(HTTPRequest(method: .get, url: "http://127.0.0.1:\(healthPort)/health"))
            else { return (0, "") }
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
        func until(_ timeout: Duration, _ condition: () async throws -> Bool) async rethrows -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if try await condition() { return true }
                try? await Task.sleep(for: .milliseconds(100))
            }
            return try await condition()
        }
        #expect(await until(.seconds(30)) { await health().status == 200 }, "serve said: \(output.text.suffix(1000))")
        #expect(await health().body.contains(#""http":"polling""#))

        // Fill the file system, then keep writing until the store cannot take a message.
        _ = try? run("/bin/dd", ["if=/dev/zero", "of=\(data.appendingPathComponent("filler").path)", "bs=64k"])
        let story = String(repeating: "my requester rejected the batch without a reason ", count: 160)  // ~8 KiB
        var posted = 0
        while posted < 600, await health().status == 200 {
            let sent = try await relay.postInbound(InboundSubmission(id: "d-\(posted)", from: "+3380000\(posted)", text: story), loop: loop)
            #expect(sent.status == 200)
            posted += 1
            try await Task.sleep(for: .milliseconds(20))
        }
        let full = await health()
        #expect(full.status == 503 && full.body.contains("full"), "health: \(full)")
        #expect(output.text.contains("store.unwritable"))
        // More workers write while it is full: the relay takes them, the helpline does not.
        for extra in 0..<20 {
            let sent = try await relay.postInbound(
                InboundSubmission(id: "d-\(posted)", from: "+3380000\(posted)", text: "hello \(extra)"), loop: loop)
            #expect(sent.status == 200)
            posted += 1
        }
        try await Task.sleep(for: .seconds(3))
        let relayStore = try RelayStore(path: relay.storePath, fullSync: false)
        let answeredWhileFull = try relayStore.figures().recipients
        #expect(answeredWhileFull < posted)

        // Space returns: it resumes by itself and answers every message the relay acknowledged.
        try FileManager.default.removeItem(at: data.appendingPathComponent("filler"))
        let freed = ContinuousClock.now
        #expect(await until(.seconds(60)) { await health().status == 200 })
        let healthy = ContinuousClock.now - freed
        #expect(try await until(.seconds(120)) { try relayStore.figures().recipients == posted })
        let answered = ContinuousClock.now - freed
        serve.kill()
        let integrity = try CaseStore(path: data.appendingPathComponent("entraide.sqlite").path).integrityCheck()
        #expect(integrity == "ok")
        #expect(output.text.contains("store.writable_again"))
        print(
            "disk full: store refused after \(posted - 20) messages on a 4 MiB tmpfs; \(posted) acknowledged by the relay,"
                + " \(answeredWhileFull) answered while full; healthy again \(healthy) after space returned, all \(posted)"
                + " answered after \(answered); integrity_check: \(integrity)")
    }

    @discardableResult
    private func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        if executable.hasSuffix("mount"), process.terminationStatus != 0 {
            throw TestServerError(description: "\(executable) \(arguments.joined(separator: " ")) failed")
        }
        return process.terminationStatus
    }
}
