import PrivateFiles
internal import CCrypto
public import Foundation

/// Turns a worker's channel address into the pseudonym that volunteers, logs and the store see.
///
/// A keyed HMAC-SHA256 of the NFC-normalised `channel:address`: the same worker always gets the
/// same pseudonym, nobody without the key can test a guessed address against it, and NFC makes
/// visually identical addresses (composed or decomposed accents) one person.
public struct Pseudonymizer: Sendable {
    private let key: [UInt8]

    public init(key: [UInt8]) {
        precondition(key.count >= 32, "a pseudonym key has at least 32 bytes")
        self.key = key
    }

    /// Reads the key at `url`, or creates it (32 random bytes, owner-only permissions) on first start.
    public static func loadOrCreateKey(at url: URL) throws -> Pseudonymizer {
        let manager = FileManager.default
        if let data = manager.contents(atPath: url.path) {
            try PrivateFiles.checkSecret(url.path, what: "the pseudonym key")
            guard data.count >= 32 else {
                throw StoreError("the pseudonym key \(url.path) is shorter than 32 bytes; restore it from backup")
            }
            return Pseudonymizer(key: Array(data))
        }
        var key = [UInt8](repeating: 0, count: 32)
        guard RAND_bytes(&key, 32) == 1 else { throw StoreError("no randomness available to create a pseudonym key") }
        try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Two processes may start on a fresh data directory at once (`serve`, and an operator's `volunteers add`
        // right after it): each would write its own key over the other's, and then pseudonyms and the audit chain
        // were made under two keys (the chain no longer verified). The key is written whole to a file of this
        // process's own, synced, then linked into place, which fails if another process got there first: the key
        // is then the one there.
        let temporary = url.path + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).new"
        defer { unlink(temporary) }
        try writeNew(key, to: temporary, beside: url)
        if link(temporary, url.path) == 0 { return Pseudonymizer(key: key) }
        if errno == EEXIST { return try loadOrCreateKey(at: url) }  // another process created it first
        // A file system without hard links (some network or FUSE mounts): created in place, still exclusively.
        do {
            try writeNew(key, to: url.path, beside: url)
        } catch where manager.fileExists(atPath: url.path) {
            return try loadOrCreateKey(at: url)
        }
        return Pseudonymizer(key: key)
    }

    /// Writes `key` to a file that must not exist yet (owner-only), synced to disk.
    private static func writeNew(_ key: [UInt8], to path: String, beside url: URL) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw StoreError("could not write the pseudonym key at \(url.path); check the data directory's permissions")
        }
        let written = key.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == key.count, synced else {
            unlink(path)
            throw StoreError("could not write the pseudonym key at \(url.path); check the disk")
        }
    }

    /// A key for another purpose, derived from this one (HMAC of the purpose's name): the audit chain's key lives
    /// where the pseudonym key does, apart from the database, without a second secret file to keep.
    public func derivedKey(for purpose: String) -> [UInt8] {
        let hex = Digest.hmacSHA256Hex(key: key, "entraide derived key: \(purpose)")
        return Array(hex.utf8)
    }

    /// `w-` and 16 hex digits (64 bits): short enough for a volunteer to type, long enough not to collide.
    public func pseudonym(channel: String, address: String) -> String {
        let input = Array("\(channel):\(address)".precomposedStringWithCanonicalMapping.utf8)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = HMAC(EVP_sha256(), key, Int32(key.count), input, input.count, &digest, &length)
        return "w-" + Digest.hex(digest.prefix(8))
    }
}
