import CWordVectors

/// What the answer files' examples cannot teach: that "my card never arrived" and "where is my card" ask the
/// same thing, or that "wake me at 7" is about an alarm. Each English word piece has a vector distilled from a
/// sentence model (all-MiniLM-L6-v2, by scripts/distil-word-vectors, Model2Vec's recipe), and a message's
/// vector is the weighted mean of its pieces'. Measured on public intent data 10-shot (docs/benchmarks.md),
/// these vectors as one more block of the learned model's features, and the similarity to an intent's nearest
/// example in the final score, are what took the matcher past TF-IDF by more than a few points.
///
/// English only: the model's vocabulary is English (uncased BERT word pieces), and a Spanish or Arabic text cut
/// into English pieces gives a vector that means nothing. A message read in another language gets none, and
/// the matcher works as it does without (see `Matcher.blend`). The table is linked into the binary
/// (`CWordVectors`) and read in place: about 7 MB of read-only pages, plus a dictionary of its 27,600 pieces.
struct WordVectors: @unchecked Sendable {  // a pointer into the binary's read-only data, never written
    let dimensions: Int
    private let rows: [String: Int32]
    private let weights: [Float]
    private let scales: [Float]
    private let offsets: [Int32]
    private let base: UnsafePointer<Int8>?

    /// The table linked into the binary, read once per process (about 10 ms), or nil if it is missing or damaged
    /// (then the matcher works without vectors, as for other languages, and says so in `intents explain`).
    static let shipped: WordVectors? = {
        var count = 0
        guard let bytes = entraide_word_vectors(&count), count > 0 else { return nil }
        return WordVectors(UnsafeRawBufferPointer(start: bytes, count: count))
    }()

    /// Reads the format scripts/distil-word-vectors writes (little-endian): "EWV1", rows and dimensions (u32
    /// each), then per row the piece's length (u8), its ASCII bytes, its weight and scale (f32 each) and its
    /// `dimensions` signed bytes. Nil for anything else.
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 12, bytes[0] == 0x45, bytes[1] == 0x57, bytes[2] == 0x56, bytes[3] == 0x31 else {
            return nil
        }
        let count = Int(bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian)
        let dimensions = Int(bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian)
        guard dimensions > 0, dimensions <= 4_096, count <= bytes.count else { return nil }
        var rows: [String: Int32] = [:]
        rows.reserveCapacity(count)
        var weights: [Float] = []
        var scales: [Float] = []
        var offsets: [Int32] = []
        weights.reserveCapacity(count)
        scales.reserveCapacity(count)
        offsets.reserveCapacity(count)
        var position = 12
        for row in 0..<count {
            guard position < bytes.count else { return nil }
            let length = Int(bytes[position])
            let end = position + 1 + length + 8 + dimensions
            guard length > 0, end <= bytes.count else { return nil }
            let piece = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(position + 1)..<(position + 1 + length)]),
                               as: UTF8.self)
            position += 1 + length
            let weight = Float(bitPattern: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
            let scale = Float(bitPattern: bytes.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self).littleEndian)
            guard weight.isFinite, scale.isFinite else { return nil }
            rows[piece] = Int32(row)
            weights.append(weight)
            scales.append(scale)
            offsets.append(Int32(position + 8))
            position = end
        }
        guard position == bytes.count else { return nil }
        self.dimensions = dimensions
        self.rows = rows
        self.weights = weights
        self.scales = scales
        self.offsets = offsets
        base = bytes.baseAddress?.assumingMemoryBound(to: Int8.self)
    }

    /// The unit vector of a text whose words (normalised: lowercase, no accents, no punctuation) are `words`, or
    /// nil when none of them has a piece.
    func vector<Words: Sequence>(of words: Words) -> [Float]? where Words.Element == String {
        vector(pieceLists: words.lazy.map { pieces(of: $0) ?? [] })
    }

    /// The same vector from each word's pieces (`pieces(of:)`, empty for a word without), when they were cut
    /// once and kept (`WordFeatures.vectorPieces`).
    func vector<Lists: Sequence>(pieceLists: Lists) -> [Float]? where Lists.Element == [Int32] {
        guard let base else { return nil }
        var sum = [Float](repeating: 0, count: dimensions)
        var total: Float = 0
        let dimensions = dimensions
        sum.withUnsafeMutableBufferPointer { sum in  // in C: 8 values a step on AVX2, where Swift's loop took 4
            guard let sum = sum.baseAddress else { return }
            for pieces in pieceLists {
                for row in pieces {
                    let index = Int(row)
                    let weight = weights[index]
                    entraide_add_scaled(sum, base + Int(offsets[index]), dimensions, weight * scales[index])
                    total += weight
                }
            }
        }
        guard total > 0 else { return nil }
        var norm: Float = 0
        for value in sum { norm += value * value }
        guard norm > 0 else { return nil }
        let scale = 1 / norm.squareRoot()
        for dimension in 0..<dimensions { sum[dimension] *= scale }
        return sum
    }

    /// WordPiece, as BERT cuts a word: the longest piece of the vocabulary that starts the word, then the longest
    /// that continues it (written with "##"), and so on; a word that cannot be cut to the end has no pieces
    /// (BERT's [UNK], which carries no meaning). Words of more than 100 characters have none either, as in BERT.
    func pieces(of word: String) -> [Int32]? {
        var list: [Int32] = []
        return pieces(of: word, into: &list) ? list : nil
    }

    func pieces(of word: String, into pieces: inout [Int32]) -> Bool {
        let scalars = Array(word.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 100, scalars.allSatisfy(\.isASCII) else { return false }
        let bytes = scalars.map { UInt8($0.value) }
        var start = 0
        let before = pieces.count
        while start < bytes.count {
            var end = bytes.count
            var found: Int32?
            while end > start {
                let text = (start > 0 ? "##" : "") + String(decoding: bytes[start..<end], as: UTF8.self)
                if let row = rows[text] {
                    found = row
                    break
                }
                end -= 1
            }
            guard let found else {
                pieces.removeSubrange(before...)
                return false
            }
            pieces.append(found)
            start = end
        }
        return true
    }
}
