internal import CCrypto

/// SHA-256 from libcrypto, as lowercase hex: the audit chain and the volunteers' token hashes.
public enum Digest {
    public static func sha256Hex(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        _ = SHA256(bytes, bytes.count, &digest)
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// A new random token (a volunteer's login), 24 bytes as hex.
    public static func randomToken() -> String? {
        var bytes = [UInt8](repeating: 0, count: 24)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { return nil }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }
}

import Foundation
