import Foundation
import PollProtocol
import TestSupport
import Testing
import Transport

/// A captured, validly signed request sent again with its signature spelt another way (spaces, another order,
/// the MAC twice) is the same signature: the relay refuses it as a replay (issue #18, item 7). Before, the guard
/// keyed on the header's text, and only the message-id check kept a second copy out.
@Suite(.serialized) struct ReplaySpellingTests {
    @Test(.timeLimit(.minutes(1))) func aSignatureSpeltAnotherWayIsStillAReplay() async throws {
        let relay = try RelayUnderTest()
        defer { relay.process.stop() }
        let loop = try CurlEventLoop()
        defer { loop.shutdown() }
        // The very bytes that were signed, sent again: a replay must differ only in how its signature is spelt.
        let body = Array(try JSONEncoder().encode(InboundSubmission(id: "sms-spelt", from: "+33600000001", text: "hello")))
        let signature = Signature(secrets: [RelayUnderTest.inboundSecret]).sign(body, timestamp: Int64(Date().timeIntervalSince1970))
        func post(_ header: String) async throws -> Int { try await relay.postInbound(body: body, header: header, loop: loop) }
        #expect(try await post(signature) == 200)
        #expect(try await post(signature) == 401, "the same header again")

        let parts = signature.split(separator: ",").map(String.init)  // ["t=…", "v1=…"]
        try #require(parts.count == 2)
        let variants = [
            "\(parts[0]), \(parts[1])",  // a space after the comma
            "\(parts[0]) ,\(parts[1])",  // a space before it
            "\(parts[1]),\(parts[0])",  // another order
            "\(parts[0]),\(parts[1]),\(parts[1])",  // the MAC twice
            "\(parts[0]),v0=00,\(parts[1])",  // another scheme between
        ]
        for variant in variants {
            let status = try await post(variant)
            #expect(status == 401, "'\(variant)' was taken as a new request: \(status)")
        }
        // A new delivery, signed afresh, still goes through.
        let next = try await relay.postInbound(InboundSubmission(id: "sms-next", from: "+33600000001", text: "hello"), loop: loop)
        #expect(next.status == 200)
    }
}
