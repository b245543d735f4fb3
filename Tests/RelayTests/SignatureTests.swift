import PollProtocol
import Testing

/// The protocol's signatures: GitHub's published vector, then forgeries, stale and replayed ones.
@Suite struct SignatureTests {
    let secret = "It's a Secret to Everybody"
    let payload = Array("Hello, World!".utf8)

    @Test func githubsPublishedVectorVerifies() {
        let expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        #expect(GitHubSignature.sign(payload, secret: secret) == expected)
        #expect(GitHubSignature.verify(header: expected, body: payload, secret: secret))
        #expect(!GitHubSignature.verify(header: expected.uppercased(), body: payload, secret: secret))
        #expect(!GitHubSignature.verify(header: "sha1=" + expected.dropFirst(7), body: payload, secret: secret))
    }

    @Test func aThousandMutatedSignaturesAreRefused() {
        let now: Int64 = 1_750_000_000
        let signer = Signature(secrets: [secret])
        let good = signer.sign(payload, timestamp: now)
        #expect((try? signer.verify(header: good, body: payload, now: now)) == now)
        let hex = String(good.split(separator: "=").last ?? "")
        var generator = SystemRandomNumberGenerator()
        var refused = 0
        var kinds: [String: Int] = [:]
        for round in 0..<1000 {
            var header: String? = good
            var body = payload
            var verifier = signer
            let kind = round % 10
            switch kind {
            case 0:  // one bit of the body flipped
                let index = Int.random(in: 0..<body.count, using: &generator)
                body[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
            case 1:  // one hex digit of the MAC changed to another hex digit
                var digits = Array(hex)
                let index = Int.random(in: 0..<digits.count, using: &generator)
                let replacement = "0123456789abcdef".filter { $0 != digits[index] }.randomElement(using: &generator) ?? "0"
                digits[index] = replacement
                header = "t=\(now),v1=\(String(digits))"
            case 2:  // signed with another secret
                header = Signature(secrets: ["not the secret \(round)"]).sign(payload, timestamp: now)
            case 3:  // verified with another secret
                verifier = Signature(secrets: ["wrong \(round)"])
            case 4:  // truncated MAC
                header = "t=\(now),v1=\(hex.prefix(Int.random(in: 0..<64, using: &generator)))"
            case 5:  // uppercase hex (the same MAC, another spelling)
                header = "t=\(now),v1=\(hex.uppercased())"
            case 6:  // no header at all, or an empty one
                header = round % 20 == 6 ? nil : ""
            case 7:  // GitHub's scheme where ours is expected
                header = GitHubSignature.sign(payload, secret: secret)
            case 8:  // the timestamp changed after signing
                header = "t=\(now + Int64.random(in: 1...200, using: &generator)),v1=\(hex)"
            default:  // garbage
                header = String((0..<Int.random(in: 1...80, using: &generator)).map { _ in
                    "t=v1,0123456789abcdefXYZ ".randomElement(using: &generator) ?? "x"
                })
            }
            do {
                _ = try verifier.verify(header: header, body: body, now: now)
            } catch {
                refused += 1
                kinds[error.kind.rawValue, default: 0] += 1
            }
        }
        #expect(refused == 1000, "refusals by kind: \(kinds)")
    }

    @Test func staleAndFutureTimestampsAreRefusedAndTheWindowIsInclusive() throws {
        let now: Int64 = 1_750_000_000
        let signer = Signature(secrets: [secret])
        for offset: Int64 in [-301, 301, -3600, 86_400] {
            let header = signer.sign(payload, timestamp: now + offset)
            #expect(throws: SignatureError(.outsideWindow)) { try signer.verify(header: header, body: payload, now: now) }
        }
        for offset: Int64 in [-300, -1, 0, 1, 300] {
            #expect(throws: Never.self) { try signer.verify(header: signer.sign(payload, timestamp: now + offset), body: payload, now: now) }
        }
    }

    @Test func rotationAcceptsEitherSecretAndReplaysAreRefused() throws {
        let now: Int64 = 1_750_000_000
        let old = Signature(secrets: ["old secret"])
        let rotating = Signature(secrets: ["new secret", "old secret"])
        let header = old.sign(payload, timestamp: now)
        #expect(try rotating.verify(header: header, body: payload, now: now) == now)
        let guardian = ReplayGuard()
        try guardian.admit(header, timestamp: now, now: now)
        #expect(throws: SignatureError(.replayed)) { try guardian.admit(header, timestamp: now, now: now + 10) }
        var replays = 0
        for second in 0..<100 {
            let fresh = rotating.sign(payload, timestamp: now + Int64(second))
            try guardian.admit(fresh, timestamp: now + Int64(second), now: now + Int64(second))
            do { try guardian.admit(fresh, timestamp: now + Int64(second), now: now + Int64(second)) } catch { replays += 1 }
        }
        #expect(replays == 100)
    }

    @Test func retryRulesFollowTheErrorModel() {
        #expect(RetryRules.decide(status: 200, retryAfter: nil) == .success)
        #expect(RetryRules.decide(status: 400, retryAfter: nil) == .giveUp)
        #expect(RetryRules.decide(status: 401, retryAfter: nil) == .giveUp)
        #expect(RetryRules.decide(status: 408, retryAfter: nil) == .retry(notBefore: nil))
        #expect(RetryRules.decide(status: 429, retryAfter: "7") == .retry(notBefore: .seconds(7)))
        #expect(RetryRules.decide(status: 503, retryAfter: "999999") == .retry(notBefore: RetryRules.maximumRetryAfter))
        #expect(RetryRules.decide(status: 502, retryAfter: "soon") == .retry(notBefore: nil))
    }
}
