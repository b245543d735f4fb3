import Foundation
import PollProtocol

/// The first line of the bytes is a header value a peer sent, the rest the body it signed. The promises:
/// - `Signature.verify` returns a timestamp within the tolerance or a typed error, and accepts what `sign` makes;
/// - `GitHubSignature.verify` accepts what `GitHubSignature.sign` makes and never traps on other headers;
/// - `Retry-After` is read as a delay between 0 and one hour, or not at all.
enum PollHeaderChecks {
    static let secrets = ["whsec_fuzz", "It's a Secret to Everybody"]
    /// A fixed clock, so that a replayed input gives the same result.
    static let now: Int64 = 1_764_450_240

    static func check(_ bytes: UnsafeRawBufferPointer) throws(InvariantViolation) {
        let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
        let header = String(decoding: bytes[..<newline], as: UTF8.self)
        let body = Array(bytes[min(newline + 1, bytes.count)...])

        let signature = Signature(secrets: secrets)
        do {
            let timestamp = try signature.verify(header: header, body: body, now: now)
            try require(abs(now - timestamp) <= signature.tolerance, "a signature outside the window was accepted")
        } catch {
            // Any typed error is an answer.
        }
        let signed = signature.sign(body, timestamp: now)
        do {
            _ = try signature.verify(header: signed, body: body, now: now)
        } catch {
            throw InvariantViolation(message: "a fresh signature was refused (\(error)): \(signed)")
        }
        let rotated = Signature(secrets: secrets.reversed())
        do {
            _ = try rotated.verify(header: signed, body: body, now: now)
        } catch {
            throw InvariantViolation(message: "a signature by the previous secret was refused during rotation")
        }

        _ = GitHubSignature.verify(header: header, body: body, secret: secrets[0])
        try require(
            GitHubSignature.verify(
                header: GitHubSignature.sign(body, secret: secrets[0]), body: body, secret: secrets[0]),
            "a fresh GitHub signature was refused")

        let clock = Date(timeIntervalSince1970: TimeInterval(now))
        if let delay = RetryRules.parseRetryAfter(header, now: clock) {
            try require(
                delay >= .zero && delay <= RetryRules.maximumRetryAfter, "Retry-After \(excerpt(header)) gave \(delay)")
        }
    }
}
