/// The byte-level implementation of ``IRCText/sanitize(_:allowCTCP:)``.
///
/// Sanitising runs on every outgoing parameter and over whole replies before splitting, so it scans UTF-8 eight
/// bytes at a time instead of decoding scalars (decoding dominated the test suite's time in debug builds). The
/// rule is the same as ``IRCText/isRemoved(_:allowCTCP:)``; a test checks the two agree on every scalar up to
/// U+FFFF (every removed scalar lies below it).
extension IRCText {
    /// The cleaned text, or `nil` when nothing needs removing (the caller then reuses the input).
    static func sanitizedUTF8(_ bytes: UnsafeRawBufferPointer, allowCTCP: Bool) -> String? {
        var first = nextCandidate(in: bytes, from: 0)
        while first < bytes.count, removedLength(in: bytes, at: first, allowCTCP: allowCTCP) == 0 {
            first = nextCandidate(in: bytes, from: first + 1)
        }
        guard first < bytes.count, let source = bytes.baseAddress else { return nil }
        return String(unsafeUninitializedCapacity: bytes.count) { out in
            guard let target = out.baseAddress else { return 0 }
            target.update(from: source.assumingMemoryBound(to: UInt8.self), count: first)
            var written = first
            var index = first
            while index < bytes.count {
                let removed = removedLength(in: bytes, at: index, allowCTCP: allowCTCP)
                if removed > 0 {
                    index += removed
                    continue
                }
                // Keep this byte and the run of unremarkable bytes after it.
                let next = nextCandidate(in: bytes, from: index + 1)
                (target + written).update(from: source.assumingMemoryBound(to: UInt8.self) + index, count: next - index)
                written += next - index
                index = next
            }
            return written
        }
    }

    /// The index of the first byte at or after `start` that may begin a removed scalar (below 0x20, 0x7F, 0xC2
    /// or 0xE2), or `bytes.count`. Continuation bytes (0x80–0xBF) are never candidates, so the result is always
    /// the start of a scalar.
    static func nextCandidate(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            if index + 8 <= bytes.count {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if !mayContainCandidate(word) {
                    index += 8
                    continue
                }
            }
            let end = min(index + 8, bytes.count)
            while index < end {
                let byte = bytes[index]
                if byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xE2 { return index }
                index += 1
            }
        }
        return bytes.count
    }

    /// Whether any byte of `word` is below 0x20 or equals 0x7F, 0xC2 or 0xE2 (the classic "has less than" and
    /// "has zero byte" bit tricks; exact as a yes/no answer).
    @inline(__always)
    static func mayContainCandidate(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highBits != 0 }
        let hasControl = (word &- ones &* 0x20) & ~word & highBits != 0
        return hasControl || hasZeroByte(word ^ (ones &* 0x7F)) || hasZeroByte(word ^ (ones &* 0xC2))
            || hasZeroByte(word ^ (ones &* 0xE2))
    }

    /// The byte length of the removed scalar starting at `index` (1 to 3), or 0 when it is kept.
    ///
    /// Exact because the input, being a Swift string, is valid UTF-8: C1 controls are C2 80–C2 9F,
    /// U+2028–U+202E are E2 80 A8–E2 80 AE and U+2066–U+2069 are E2 81 A6–E2 81 A9.
    static func removedLength(in bytes: UnsafeRawBufferPointer, at index: Int, allowCTCP: Bool) -> Int {
        switch bytes[index] {
        case 0x09: return 0
        case 0x01: return allowCTCP ? 0 : 1
        case 0x00...0x1F, 0x7F: return 1
        case 0xC2:
            return index + 1 < bytes.count && bytes[index + 1] <= 0x9F ? 2 : 0
        case 0xE2:
            guard index + 2 < bytes.count else { return 0 }
            let second = bytes[index + 1]
            let third = bytes[index + 2]
            if second == 0x80, third >= 0xA8, third <= 0xAE { return 3 }
            if second == 0x81, third >= 0xA6, third <= 0xA9 { return 3 }
            return 0
        default: return 0
        }
    }
}
