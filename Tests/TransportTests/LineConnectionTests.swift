import Foundation
import TestSupport
import Testing
import Transport

/// A line connection to a real ngircd started on a free loopback port.
@Suite(.serialized) final class LineConnectionTests {
    let loop: CurlEventLoop

    init() throws {
        loop = try CurlEventLoop()
    }

    deinit { loop.shutdown() }

    /// Reads lines until one satisfies `predicate`, or fails after `timeout`.
    private func waitFor(
        _ connection: LineConnection, timeout: Duration = .seconds(10), _ predicate: (String) -> Bool
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = try await connection.readLine(timeout: .milliseconds(500)), predicate(line) { return line }
        }
        throw TestServerError(description: "no matching line within \(timeout)")
    }

    @Test(.enabled(if: ngircdPath() != nil, "ngircd is not installed: scripts/bootstrap installs it"))
    func registersReceives001AndAnswersPing() async throws {
        // PingTimeout = 5 (its minimum): ngircd pings an idle client after about 7 s.
        let server = try startNgircd(pingTimeout: 5)
        defer { server.stop() }
        let connection = try await loop.connectLine(LineOptions(host: "127.0.0.1", port: server.port))
        try await connection.send("NICK entraide-test")
        try await connection.send("USER entraide 0 * :Entraide test")
        let welcome = try await waitFor(connection) { $0.contains(" 001 ") }
        #expect(welcome.hasPrefix(":irc.helpline.test 001 entraide-test"))

        // Our own PING comes back as a PONG.
        try await connection.send("PING :probe-1")
        let pong = try await waitFor(connection) { $0.contains("PONG") }
        #expect(pong.hasSuffix("probe-1"))

        // The server's PING, answered: the server keeps us (it would drop us after PingTimeout).
        let ping = try await waitFor(connection, timeout: .seconds(20)) { $0.hasPrefix("PING") }
        try await connection.send("PONG" + ping.dropFirst(4))
        try await connection.send("PING :still-here")
        let alive = try await waitFor(connection, timeout: .seconds(10)) { $0.contains("still-here") }
        #expect(alive.contains("PONG"))
        try await connection.send("QUIT :bye")
        connection.close()
    }

    @Test func readLineTimesOutWithNilWhenNothingArrives() async throws {
        let server = try startHTTPTestServer()  // any TCP peer that stays silent on a raw connection
        defer { server.stop() }
        let connection = try await loop.connectLine(LineOptions(host: "127.0.0.1", port: server.port))
        let clock = ContinuousClock()
        let start = clock.now
        let line = try await connection.readLine(timeout: .milliseconds(300))
        let elapsed = clock.now - start
        #expect(line == nil)
        #expect(elapsed >= .milliseconds(290))
        #expect(elapsed < .seconds(2))
        connection.close()
    }

    @Test func linesWithCRLFOrNULAreRefusedBeforeSending() async throws {
        let server = try startHTTPTestServer()
        defer { server.stop() }
        let connection = try await loop.connectLine(LineOptions(host: "127.0.0.1", port: server.port))
        for bad in ["PRIVMSG #x :a\r\nQUIT", "a\nb", "nul\u{0}byte"] {
            let error = await #expect(throws: TransportError.self) { try await connection.send(bad) }
            #expect(error?.kind == .invalidLine)
            // In a batch too, wherever it stands: the whole batch is refused (checked before anything is queued).
            let inBatch = await #expect(throws: TransportError.self) { try await connection.send(lines: ["PING :ok", bad]) }
            #expect(inBatch?.kind == .invalidLine)
        }
        connection.close()
    }

    /// Lines written together arrive as separate lines, in order (a server reads them as it reads lines
    /// written one by one): here ngircd answers each PING of one write with its PONG.
    @Test(.enabled(if: ngircdPath() != nil, "ngircd is not installed: scripts/bootstrap installs it"))
    func linesSentTogetherArriveAsLinesInOrder() async throws {
        let server = try startNgircd()
        defer { server.stop() }
        let connection = try await loop.connectLine(LineOptions(host: "127.0.0.1", port: server.port))
        try await connection.send(lines: ["NICK entraide-batch", "USER entraide 0 * :Entraide test"])
        _ = try await waitFor(connection) { $0.contains(" 001 ") }
        try await connection.send(lines: (1...5).map { "PING :batch-\($0)" })
        var pongs: [String] = []
        while pongs.count < 5 {
            let line = try await waitFor(connection) { $0.contains("PONG") }
            pongs.append(String(line.split(separator: ":").last ?? ""))
        }
        #expect(pongs == (1...5).map { "batch-\($0)" })
        connection.close()
    }

    @Test func connectingToAClosedPortFails() async throws {
        let port = freeLoopbackPort()
        let error = await #expect(throws: TransportError.self) {
            try await self.loop.connectLine(LineOptions(host: "127.0.0.1", port: port))
        }
        #expect(error?.kind == .couldNotConnect)
    }

    @Test func peerClosingIsReportedAfterBufferedLines() async throws {
        // The HTTP server answers one request and closes (Connection: close for HTTP/1.0).
        let server = try startHTTPTestServer()
        defer { server.stop() }
        let connection = try await loop.connectLine(LineOptions(host: "127.0.0.1", port: server.port))
        try await connection.send("GET /hello HTTP/1.0")
        try await connection.send("")
        let status = try await connection.readLine(timeout: .seconds(5))
        #expect(status?.hasPrefix("HTTP/1.") == true)
        let error = await #expect(throws: TransportError.self) {
            while true { _ = try await connection.readLine(timeout: .seconds(5)) }
        }
        #expect(error?.kind == .connectionClosed)
    }
}
