internal import CCrypto

/// SHA-256 from libcrypto, as lowercase hex: the audit chain and the volunteers' token hashes.
public enum Digest {
    public static func sha256Hex(_ text: String) -> String {
        sha256Hex(Array(text.utf8))
    }

    /// The same for bytes (the matcher's kept model is keyed by `Matcher.trainingInput`).
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = SHA256(bytes, bytes.count, &digest)
        return hex(digest)
    }

    /// HMAC-SHA256 of `text` under `key`, as lowercase hex: the audit chain's links when it has a key.
    public static func hmacSHA256Hex(key: [UInt8], _ text: String) -> String {
        let bytes = Array(text.utf8)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = HMAC(EVP_sha256(), key, Int32(key.count), bytes, bytes.count, &digest, &length)
        return hex(digest.prefix(Int(length)))
    }

    /// A new random token (a volunteer's login), 24 bytes as hex.
    public static func randomToken() -> String? {
        var bytes = [UInt8](repeating: 0, count: 24)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { return nil }
        return hex(bytes)
    }

    /// Bytes as lowercase hex, two digits each. By table, not `String(format:)`: a pseudonym is made for every
    /// message, and Foundation's formatting was 1.4% of `serve`'s CPU under load (perf, docs/benchmarks.md).
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The shape of a token from `randomToken` (48 lowercase hex digits): what is worth hashing when
    /// looking for a token pasted where it should not be.
    public static func looksLikeToken(_ word: some StringProtocol) -> Bool {
        word.utf8.count == 48 && word.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

}

import Foundation
