import Foundation
import PollProtocol
import TestSupport
import Testing
import Transport

@testable import Relay

/// A signed answer names the request it answers (issue #18, item 2): one captured, validly signed
/// `{"status":"stored"}` replayed by a man in the middle must not acknowledge replies the relay never got.
@Suite(.serialized) struct SignedAnswersTests {
    @Test func anAnswerIsBoundToItsRequest() throws {
        let signature = Signature(secrets: ["s"])
        let body = Array(#"{"status":"stored"}"#.utf8)
        let first = Signature.signedMAC(of: signature.sign(Array("one".utf8), timestamp: 100))
        let second = Signature.signedMAC(of: signature.sign(Array("two".utf8), timestamp: 100))
        let (request, other) = (try #require(first), try #require(second))
        let answer = signature.sign(body, timestamp: 100, answering: request)
        #expect(throws: Never.self) { try signature.verify(header: answer, body: body, now: 100, answering: request) }
        #expect(throws: SignatureError(.mismatch)) { try signature.verify(header: answer, body: body, now: 100, answering: other) }
        // An answer signed the old way (for no request) is not one for this request either.
        #expect(throws: SignatureError(.mismatch)) {
            try signature.verify(header: signature.sign(body, timestamp: 100), body: body, now: 100, answering: request)
        }
    }

    /// Through the real processes: the bot (`entraide serve`) polls the relay through a proxy that replays the
    /// relay's first answer to `POST /messages` for the next ten. Every reply must still reach the relay.
    @Test(.timeLimit(.minutes(3))) func aReplayedAnswerAcknowledgesNothing() async throws {
        let directory = try temporaryDirectory("signed-answers")
        let relay = try RelayUnderTest(signed: true)
        defer { relay.process.stop() }
        let replays = 10
        let counted = directory.appendingPathComponent("replayed.txt")
        let proxyPort = freeLoopbackPort()
        let proxy = try ServerProcess(
            name: "replaying-proxy", executable: "/usr/bin/env",
            arguments: [
                "python3", repositoryRoot.appendingPathComponent("Tests/Support/replaying_proxy.py").path, "\(proxyPort)",
                relay.baseURL, "\(replays)", counted.path,
            ],
            port: proxyPort)
        defer { proxy.stop() }
        let serve = try ServeUnderTest(
            configuration: try relay.httpConfiguration(
                in: directory, ["poll_wait_seconds: 2", "retry_cap_seconds: 1"], through: "http://127.0.0.1:\(proxyPort)",
                signed: true),
            directory: directory)
        defer { serve.kill() }
        let loop = try CurlEventLoop()
        defer { loop.shutdown() }
        let relayStore = try RelayStore(path: relay.storePath, fullSync: false)
        func answered() throws -> Set<String> { Set(try relayStore.allReplies().map(\.message.to)) }

        // The first worker's reply goes through, and the proxy keeps the relay's signed answer to it.
        #expect(try await relay.postInbound(InboundSubmission(id: "w-0", from: "+100000", text: "hello"), loop: loop).status == 200)
        var deadline = ContinuousClock.now + .seconds(30)
        while try !answered().contains("+100000"), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try answered().contains("+100000"), "serve said: \(serve.output.text.suffix(1500))")

        let workers = (1...replays).map { "+10000\($0)" }
        for (index, worker) in workers.enumerated() {
            let sent = try await relay.postInbound(InboundSubmission(id: "w-\(index + 1)", from: worker, text: "hello"), loop: loop)
            #expect(sent.status == 200)
        }
        deadline = ContinuousClock.now + .seconds(90)
        while try !Set(workers).isSubset(of: answered()), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        let made = ((try? String(contentsOf: counted, encoding: .utf8)) ?? "").split(separator: "\n").count
        #expect(made == replays, "the proxy replayed \(made) answers: the attack did not happen as planned")
        let reached = try answered()
        #expect(Set(workers).isSubset(of: reached), "lost: \(Set(workers).subtracting(reached).sorted())")
        #expect(serve.output.text.contains("not signed correctly for this request"), "\(serve.output.text.suffix(1500))")
    }
}
