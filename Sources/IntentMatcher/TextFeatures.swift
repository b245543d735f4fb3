import Foundation

/// A message as the learned model reads it: a sparse TF-IDF vector over words (terms after synonyms and
/// Snowball stems), pairs of neighbouring words, and character n-grams (2 to 5) of each word as written with
/// a space before and after. Words carry the meaning; pairs tell near-twin intents apart ("not paid" against
/// "paid"); n-grams catch typos, inflections the stemmer leaves and words written in another script's habits.
///
/// Features are hashed to 64-bit keys, so a word or n-gram costs an integer hash and one dictionary lookup, not
/// a string. Only features seen in the examples get an id: a message's unseen features carry no weight (as in
/// the standard TF-IDF pipelines the matcher is measured against), and do not dilute the ones that are known.
struct TextFeatures: Sendable {
    /// A sparse, L2-normalised vector: feature ids ascending, no repeats.
    struct Vector: Sendable {
        var ids: [Int32] = []
        var values: [Float] = []
    }

    let ids: FeatureTable
    /// Per feature id: smoothed inverse document frequency, ln((1 + n) / (1 + df)) + 1.
    let idf: [Float]
    /// Per feature id: a word feature (else a character n-gram). The two blocks are normalised apart, so
    /// that a long word (many n-grams) does not drown the words.
    let isWordFeature: [Bool]
    /// Features past the vocabulary: a message's word vector (`WordVectors`), one feature per dimension, as a
    /// block of its own weighing `vectorWeight` against each of the others. 0 without vectors.
    let vectorDimensions: Int
    let vectorWeight: Float

    static let gramLengths = 3...5

    /// A vocabulary read back (`TrainedState`).
    init(ids: FeatureTable, idf: [Float], isWordFeature: [Bool], vectorDimensions: Int, vectorWeight: Float) {
        self.ids = ids
        self.idf = idf
        self.isWordFeature = isWordFeature
        self.vectorDimensions = vectorDimensions
        self.vectorWeight = vectorWeight
    }

    /// The vocabulary and IDF of `documents` (each a list of raw keys with repeats). Ids follow the order the
    /// features first appear in, which the answer set fixes: the same set always gives the same model.
    init<Documents: Sequence>(documents: Documents, vectorDimensions: Int = 0, vectorWeight: Float = 0)
    where Documents.Element == [Key] {
        var builder = Builder()
        for document in documents {
            for key in document { _ = builder.id(key) }
            builder.endDocument()
        }
        self.init(builder, vectorDimensions: vectorDimensions, vectorWeight: vectorWeight)
    }

    /// A vocabulary in the making: ids in the order features first appear, and in how many documents each is.
    struct Builder {
        private(set) var table = FeatureTable(capacity: 4_096)
        private(set) var df: [Int32] = []
        private var lastDocument: [Int32] = []
        private(set) var isWordFeature: [Bool] = []
        private(set) var documents: Int32 = 0

        /// The id of `key` (new ones are numbered as they come), counted once in the current document.
        mutating func id(_ key: Key) -> Int32 {
            let (id, inserted) = table.id(inserting: key.hash)
            if inserted {
                df.append(0)
                lastDocument.append(-1)
                isWordFeature.append(key.isWord)
            }
            return counted(id)
        }

        /// An id already handed out, counted once in the current document.
        mutating func counted(_ id: Int32) -> Int32 {
            if lastDocument[Int(id)] != documents {
                lastDocument[Int(id)] = documents
                df[Int(id)] += 1
            }
            return id
        }

        mutating func endDocument() { documents += 1 }
    }

    init(_ builder: Builder, vectorDimensions: Int, vectorWeight: Float) {
        self.init(ids: builder.table, df: builder.df, documents: Int(builder.documents),
                  isWordFeature: builder.isWordFeature, vectorDimensions: vectorDimensions, vectorWeight: vectorWeight)
    }

    /// A vocabulary whose features appear in `df[id]` of `documents` documents.
    init(ids: FeatureTable, df: [Int32], documents: Int, isWordFeature: [Bool], vectorDimensions: Int,
         vectorWeight: Float) {
        let n = Double(documents)
        idf = df.map { Float(log((1 + n) / (1 + Double($0))) + 1) }
        self.ids = ids
        self.isWordFeature = isWordFeature
        self.vectorDimensions = vectorWeight > 0 ? vectorDimensions : 0
        self.vectorWeight = vectorWeight
    }

    /// The vocabulary's features.
    var count: Int { idf.count }
    /// Every feature a vector may have: the vocabulary's, then the word vector's.
    var dimensions: Int { idf.count + vectorDimensions }

    /// The vector of a document given its raw keys and its word vector if it has one: sublinear term frequency
    /// (1 + ln tf) × IDF, each block normalised, then the whole.
    func vector(_ keys: [Key], wordVector: [Float]? = nil) -> Vector {
        var known: [Int32] = []
        known.reserveCapacity(keys.count)
        for key in keys {
            if let id = ids[key.hash] { known.append(id) }
        }
        return vector(known: &known, wordVector: wordVector)
    }

    /// The same from the ids of the keys the vocabulary has, repeats included, in any order (sorted here).
    func vector(known: inout [Int32], wordVector: [Float]? = nil) -> Vector {
        let dense = vectorDimensions > 0 ? wordVector.flatMap { $0.count == vectorDimensions ? $0 : nil } : nil
        guard !known.isEmpty || dense != nil else { return Vector() }
        Self.sortIDs(&known)
        var vector = Vector()
        vector.ids.reserveCapacity(known.count + (dense?.count ?? 0))
        vector.values.reserveCapacity(known.count + (dense?.count ?? 0))
        var position = 0
        var wordNorm: Float = 0
        var gramNorm: Float = 0
        while position < known.count {
            let id = known[position]
            var end = position + 1
            while end < known.count && known[end] == id { end += 1 }
            // Most features come once: 1 + ln 1 is exactly 1, and the library call was a third of this loop.
            let value = end - position == 1 ? idf[Int(id)] : (1 + Float(log(Double(end - position)))) * idf[Int(id)]
            vector.ids.append(id)
            vector.values.append(value)
            if isWordFeature[Int(id)] { wordNorm += value * value } else { gramNorm += value * value }
            position = end
        }
        let wordScale: Float = wordNorm > 0 ? 1 / wordNorm.squareRoot() : 0
        let gramScale: Float = gramNorm > 0 ? 1 / gramNorm.squareRoot() : 0
        let blocks: Float = (wordNorm > 0 ? 1 : 0) + (gramNorm > 0 ? 1 : 0) + (dense != nil ? vectorWeight * vectorWeight : 0)
        let overall = 1 / blocks.squareRoot()
        for index in vector.ids.indices {
            let scale = isWordFeature[Int(vector.ids[index])] ? wordScale : gramScale
            vector.values[index] *= scale * overall
        }
        if let dense {  // already of unit length
            let first = Int32(count)
            for (dimension, value) in dense.enumerated() {
                vector.ids.append(first + Int32(dimension))
                vector.values.append(value * vectorWeight * overall)
            }
        }
        return vector
    }

    /// Sorts a message's feature ids ascending, so that repeats are neighbours. The standard library's sort
    /// (stable, through a comparison closure) was 6% of a match on 150 intents × 100 examples; ids are small
    /// non-negative integers, so a few dozen go by insertion and more by a radix sort on bytes: linear whatever
    /// the message (a comparison sort's worst case is for someone to find).
    static func sortIDs(_ ids: inout [Int32]) {
        let count = ids.count
        guard count > 1 else { return }
        ids.withUnsafeMutableBufferPointer { ids in
            if count <= 48 {
                for index in 1..<count {
                    let id = ids[index]
                    var position = index
                    while position > 0 && ids[position - 1] > id {
                        ids[position] = ids[position - 1]
                        position -= 1
                    }
                    ids[position] = id
                }
                return
            }
            let largest = UInt32(ids.max() ?? 0)  // ids are never negative (`FeatureTable` counts from 0)
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) { spare in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts in
                    var source = ids.baseAddress!, target = spare.baseAddress!
                    var shift: UInt32 = 0
                    var swapped = false
                    while shift < 32 && (shift == 0 || largest >> shift != 0) {
                        for digit in 0..<256 { counts[digit] = 0 }
                        for index in 0..<count { counts[Int((UInt32(bitPattern: source[index]) >> shift) & 0xff)] += 1 }
                        var total = 0
                        for digit in 0..<256 {
                            let here = counts[digit]
                            counts[digit] = total
                            total += here
                        }
                        for index in 0..<count {
                            let digit = Int((UInt32(bitPattern: source[index]) >> shift) & 0xff)
                            target[counts[digit]] = source[index]
                            counts[digit] += 1
                        }
                        swap(&source, &target)
                        swapped.toggle()
                        shift += 8
                    }
                    if swapped { ids.baseAddress!.update(from: spare.baseAddress!, count: count) }
                }
            }
        }
    }

    // MARK: - Raw keys

    /// A hashed feature before the vocabulary gives it an id: 64 bits whose lowest says whether it is a word
    /// feature (1) or a character n-gram (0), so that a training set's keys take 8 bytes each.
    struct Key: Hashable, Sendable {
        var hash: UInt64
        init(word hash: UInt64) { self.hash = hash | 1 }
        init(gram hash: UInt64) { self.hash = hash & ~1 == 0 ? 2 : hash & ~1 }  // 0 marks an empty slot
        var isWord: Bool { hash & 1 == 1 }
    }

    /// The raw keys of a text whose words are `tokens` and whose terms (in the language the text is read in)
    /// are `terms`: every term, every pair of neighbouring terms, every character n-gram of every word.
    static func keys(tokens: [Token], terms: [String]) -> [Key] {
        var keys: [Key] = []
        keys.reserveCapacity(tokens.count * 16)
        var previous: UInt64?
        for term in terms {
            let hash = Self.hash(term, seed: Self.wordSeed)
            keys.append(Key(word: hash))
            if let previous { keys.append(Key(word: Self.mix(previous, hash))) }
            previous = hash
        }
        for token in tokens { appendGrams(of: token.text, to: &keys) }
        return keys
    }

    static let wordSeed: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let gramSeed: UInt64 = 0x8422_2325_cbf2_9ce4

    /// FNV-1a over the UTF-8 bytes.
    static func hash(_ text: String, seed: UInt64) -> UInt64 {
        var hash = seed
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// An ordered pair of hashes as one (a bigram is not the same as its reverse).
    static func mix(_ first: UInt64, _ second: UInt64) -> UInt64 {
        var hash = first &* 0x9e37_79b9_7f4a_7c15
        hash ^= second &+ 0x632b_e59b_d9b4_e019 &+ (hash << 6) &+ (hash >> 2)
        return hash
    }

    /// Character n-grams of " word " for each length in `gramLengths` (as scikit-learn's `char_wb`).
    static func appendGrams(of word: String, to keys: inout [Key]) {
        var points: [UInt32] = [0x20]
        points.reserveCapacity(word.unicodeScalars.count + 2)
        for scalar in word.unicodeScalars { points.append(scalar.value) }
        points.append(0x20)
        for length in gramLengths where length <= points.count {
            for start in 0...(points.count - length) {
                var hash = gramSeed ^ UInt64(length)
                for offset in 0..<length {
                    hash ^= UInt64(points[start + offset])
                    hash &*= 0x0000_0100_0000_01b3
                }
                keys.append(Key(gram: hash))
            }
        }
    }
}
