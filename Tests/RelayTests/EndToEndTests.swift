import Foundation
import PollProtocol
import TestSupport
import Testing
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// `entraide relay` and `entraide serve` as an operator runs them, with a provider's webhook
/// receiver (Tests/Support/webhook_receiver.py) on the far side.
@Suite(.serialized) struct EndToEndTests {
    @Test(.timeLimit(.minutes(2))) func aWorkersHelloComesBackAsTheGreetingInTheOutboundWebhook() async throws {
        let directory = try temporaryDirectory("e2e")
        let receiver = try WebhookReceiver(in: directory)
        defer { receiver.process.stop() }
        let received = receiver.file
        let relay = try RelayUnderTest(webhook: receiver.url)
        defer { relay.process.stop() }

        // The bot: `entraide serve` with the http channel, configured by file, token in a file.
        let serve = try ServeUnderTest(
            configuration: try relay.httpConfiguration(in: directory, ["poll_wait_seconds: 5"]), directory: directory)
        defer { serve.kill() }
        let output = serve.output

        let loop = try CurlEventLoop()
        defer { loop.shutdown() }
        let sent = try await relay.postInbound(InboundSubmission(id: "sms-1", from: "+33612345678", text: "hello"), loop: loop)
        #expect(sent.status == 200)
        // The same signed delivery again is a replay: refused, and stored once.
        let replay = try await relay.postInbound(body: sent.body, header: sent.signature, loop: loop)
        #expect(replay == 401)
        // An unsigned or wrongly signed one changes nothing either.
        let forged = try await relay.postInbound(
            InboundSubmission(id: "sms-2", from: "+33612345678", text: "hello"), loop: loop, secret: "guess")
        #expect(forged.status == 401)

        let deadline = ContinuousClock.now + .seconds(30)
        var records: [[String: String]] = []
        while records.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            let text = (try? String(contentsOf: received, encoding: .utf8)) ?? ""
            records = text.split(separator: "\n").compactMap {
                try? JSONDecoder().decode([String: String].self, from: Data($0.utf8))
            }
        }
        try await Task.sleep(for: .seconds(1))
        let text = (try? String(contentsOf: received, encoding: .utf8)) ?? ""
        records = text.split(separator: "\n").compactMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        #expect(records.count == 1, "serve said: \(output.text.suffix(1500))")
        let record = try #require(records.first)
        let reply = try JSONDecoder().decode(OutgoingMessage.self, from: Data((record["body"] ?? "").utf8))
        #expect(reply.to == "+33612345678")
        #expect(reply.text.hasPrefix("Hi, welcome to Entraide"))
        #expect(record["idempotency_key"] == reply.id)
        // The webhook's signature verifies with the webhook secret.
        let signature = Signature(secrets: [RelayUnderTest.webhookSecret])
        #expect(throws: Never.self) {
            try signature.verify(
                header: record["signature"], body: Array((record["body"] ?? "").utf8), now: Int64(Date().timeIntervalSince1970))
        }
        // Neither the text nor the address appears in the bot's log at info.
        #expect(!output.text.contains("+33612345678"))
        #expect(!output.text.contains(RelayUnderTest.botToken))
    }
}
