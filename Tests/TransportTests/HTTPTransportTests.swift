import Foundation
import TestSupport
import Testing
import Transport

/// Against a real local HTTP server process (`Tests/Support/http_test_server.py`) on a free port.
@Suite(.serialized) final class HTTPTransportTests {
    let server: ServerProcess
    let loop: CurlEventLoop

    init() throws {
        server = try startHTTPTestServer()
        loop = try CurlEventLoop()
    }

    deinit {
        loop.shutdown()
        server.stop()
    }

    private func url(_ path: String) -> String { "http://127.0.0.1:\(server.port)\(path)" }

    @Test func getReturnsStatusHeadersAndBody() async throws {
        let response = try await loop.execute(HTTPRequest(url: url("/hello")))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello")
        #expect(response.value(of: "content-type") == "text/plain")
    }

    @Test func postSendsBodyAndHeaders() async throws {
        let body = Array(#"{"text":"bonjour ✓"}"#.utf8)
        let request = HTTPRequest(
            method: .post, url: url("/echo"),
            headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Authorization", "Bearer t0ken")],
            body: body)
        let response = try await loop.execute(request)
        let echo = try JSONDecoder().decode([String: String?].self, from: Data(response.body))
        #expect(echo["body"] == #"{"text":"bonjour ✓"}"#)
        #expect(echo["content_type"] == "application/json")
        #expect(echo["authorization"] == "Bearer t0ken")
    }

    @Test func longPollsHeldTwoSecondsRunConcurrently() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<5 {
                let request = HTTPRequest(url: url("/poll?hold=2"), totalTimeout: .seconds(10))
                group.addTask { [loop] in try await loop.execute(request).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let elapsed = clock.now - start
        #expect(statuses == [200, 200, 200, 200, 200])
        #expect(elapsed >= .seconds(2))
        // Five 2-second holds one after the other would take 10 s: one thread serves them together.
        #expect(elapsed < .seconds(6))
    }

    @Test(arguments: ["/big?bytes=10000000", "/big-chunked?bytes=10000000"])
    func bodyOverTheCapIsRefused(path: String) async throws {
        let request = HTTPRequest(url: url(path), maxResponseBytes: 1 << 20)
        let error = await #expect(throws: TransportError.self) { try await self.loop.execute(request) }
        #expect(error?.kind == .responseTooLarge)
    }

    @Test func slowBodyTimesOut() async throws {
        let request = HTTPRequest(url: url("/slow"), totalTimeout: .seconds(2))
        let error = await #expect(throws: TransportError.self) { try await self.loop.execute(request) }
        #expect(error?.kind == .timedOut)
    }

    @Test func slowBodyBelowTheLowSpeedLimitIsAbandoned() async throws {
        let request = HTTPRequest(
            url: url("/slow"), totalTimeout: .seconds(30), lowSpeedBytesPerSecond: 100, lowSpeedWindow: .seconds(2))
        let error = await #expect(throws: TransportError.self) { try await self.loop.execute(request) }
        #expect(error?.kind == .timedOut)
    }

    @Test func onlyHTTPAndHTTPSAreAllowed() async throws {
        for target in ["file:///etc/passwd", "gopher://127.0.0.1/", "ftp://127.0.0.1/"] {
            let error = await #expect(throws: TransportError.self) { try await self.loop.execute(HTTPRequest(url: target)) }
            #expect(error?.kind == .protocolNotAllowed)
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        let response = try await loop.execute(HTTPRequest(url: url("/redirect")))
        #expect(response.status == 302)
        #expect(response.body.isEmpty)
    }

    @Test func refusedConnectionIsReported() async throws {
        let port = freeLoopbackPort()
        let error = await #expect(throws: TransportError.self) {
            try await self.loop.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
        }
        #expect(error?.kind == .couldNotConnect)
    }

    @Test func cancellingTheTaskAbandonsTheTransfer() async throws {
        let request = HTTPRequest(url: url("/poll?hold=5"), totalTimeout: .seconds(10))
        let task = Task { [loop] in try await loop.execute(request) }
        try await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.now - start < .seconds(2))
    }

    @Test func headersWithLineBreaksAreRefused() async throws {
        let request = HTTPRequest(url: url("/hello"), headers: [HTTPHeader("X-Test", "a\r\nInjected: yes")])
        await #expect(throws: TransportError.self) { try await self.loop.execute(request) }
    }
}
