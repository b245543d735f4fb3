import CWordVectors
/// The word vectors of the answer set's English examples, grouped by intent, for the similarity of a message
/// to an intent's nearest example (see `Matcher.blend`). Empty without vectors.
struct ExampleVectors: Sendable {
    let wordVectors: WordVectors?
    /// Per example, in index order: its unit vector, if it is in English and has one.
    let vectors: [[Float]?]
    /// Per intent: its examples that have a vector, their positions and vectors one after another, each vector
    /// as signed bytes (`quantize`) with its scale: a quarter of the memory of floats, and a byte dot product
    /// summed in integers vectorises where a float sum does not. With the vectors on, 150 intents × 100
    /// examples went from 13,100 to 16,000 matches/s (docs/benchmarks.md).
    private let positions: [[Int]]
    private let packed: [[Int8]]
    private let scales: [[Float]]
    /// The cosine at which a message's nearest example neither raises nor lowers an intent's score: the lower
    /// quartile of how close each English example is to the nearest other example of its intent. A message as
    /// close to an intent as most of its own examples are to each other gains; one further away loses. Nil when
    /// no intent has two English examples: then there is nothing to measure closeness against, and the matcher
    /// leaves the similarity part out.
    ///
    /// Why a reference at all: only English messages have a vector, so a similarity part that could only add
    /// raised English scores above those of the other languages under one threshold, and any English sentence
    /// is somewhat close to some example (cosines of unrelated sentences run at 0.3 to 0.5): on the shipped
    /// held-out phrases, out-of-scope ones reached the fallback 74.5% of the time against 87.2% without vectors.
    /// Centred on this reference, 89.4% (docs/benchmarks.md, "Word vectors on, centred"). Read off the set, not
    /// fixed: 0.60 on HWU64's 10-shot examples, 0.71 on the shipped set's.
    let reference: Float?

    init(_ index: MatcherIndex, vectors wordVectors: WordVectors?) {
        self.wordVectors = wordVectors
        var vectors = [[Float]?](repeating: nil, count: index.examples.count)
        var positions = [[Int]](repeating: [], count: index.intentIDs.count)
        var packed = [[Int8]](repeating: [], count: index.intentIDs.count)
        var scales = [[Float]](repeating: [], count: index.intentIDs.count)
        if let wordVectors {
            // The word list taken out of the index once: a closure that captured `index` copied it (retaining each
            // of its arrays) at every example, a third of this loop.
            let wordList = index.wordList
            for (position, example) in index.examples.enumerated() where example.language == .en {
                // An example's words are the index's own, so each has its pieces kept (`WordFeatures.vectorPieces`).
                let words = index.words(ofExample: position)
                guard let vector = wordVectors.vector(pieceLists: words.lazy.map { wordList[Int($0)].vectorPieces ?? [] })
                else { continue }
                vectors[position] = vector
                positions[example.intent].append(position)
                let quantized = Self.quantize(vector)
                packed[example.intent].append(contentsOf: quantized.values)
                scales[example.intent].append(quantized.scale)
            }
        }
        self.vectors = vectors
        self.positions = positions
        self.packed = packed
        self.scales = scales
        reference = Self.reference(packed: packed, scales: scales, dimensions: wordVectors?.dimensions ?? 0)
    }

    /// How many examples of an intent the reference looks at, each against all the others, spread over the
    /// intent's list (its first examples are often its shortest): the quartile of a few thousand cosines is as
    /// good as that of all, and 150 intents × 100 examples stay a few milliseconds.
    static let referenceSample = 12

    /// The examples of a list of `count` that the reference looks at.
    static func referenceRows(count: Int) -> StrideTo<Int> {
        Swift.stride(from: 0, to: count, by: max(1, count / referenceSample))
    }

    /// The lower quartile of each example's cosine with the nearest other example of its intent (`reference`).
    static func reference(packed: [[Int8]], scales: [[Float]], dimensions: Int) -> Float? {
        guard dimensions > 0 else { return nil }
        var nearest: [Float] = []
        for intent in packed.indices where scales[intent].count >= 2 {
            let count = scales[intent].count
            packed[intent].withUnsafeBufferPointer { rows in
                guard let rows = rows.baseAddress else { return }
                for first in referenceRows(count: count).prefix(referenceSample) {
                    var best = -Float.infinity
                    for second in 0..<count where second != first {
                        let dot = dot(rows + first &* dimensions, rows + second &* dimensions, count: dimensions)
                        best = max(best, scales[intent][first] * scales[intent][second] * Float(dot))
                    }
                    nearest.append(best)
                }
            }
        }
        guard !nearest.isEmpty else { return nil }
        nearest.sort()
        return nearest[nearest.count / 4]
    }

    /// The vector of a message whose (normalised) words are `words`.
    func vector(of words: [String]) -> [Float]? {
        wordVectors?.vector(of: words)
    }

    /// The same from each word's pieces (see `pieces(of:_:_:)`).
    func vector(pieceLists: [[Int32]]) -> [Float]? {
        wordVectors?.vector(pieceLists: pieceLists)
    }

    /// A token's pieces: those its analysis kept, unless the analysis is of another word (a typo corrected).
    /// (The index that made `features` cut its pieces with the same vectors: the matcher's configuration decides
    /// both.)
    static func pieces(of token: Token, _ features: WordFeatures, _ vectors: WordVectors) -> [Int32] {
        if features.text == token.text, let kept = features.vectorPieces { return kept }
        return vectors.pieces(of: token.text) ?? []
    }

    /// A vector as signed bytes and the factor that gives its values back (its largest magnitude / 127): a
    /// cosine between two unit vectors moves by under 0.01 (`WordVectorsTests`), against gaps of 0.05 and more
    /// between the intents it separates.
    static func quantize(_ vector: [Float]) -> (values: [Int8], scale: Float) {
        // In C (`entraide_quantize`): the first version, `map` with a branch per value, was a tenth of 150 intents
        // × 100 examples' load.
        var largest: Float = 0
        let values = [Int8](unsafeUninitializedCapacity: vector.count) { output, initialized in
            vector.withUnsafeBufferPointer { input in
                largest = entraide_quantize(input.baseAddress, input.count, output.baseAddress)
            }
            initialized = vector.count
        }
        return (values, largest / 127)
    }

    /// The largest cosine of a message's vector, quantised (`quantize`, once per match), with an example of
    /// `intent` other than the one at `excluding` (held out while calibrating); nil when the intent has no other
    /// example with a vector (an intent written in other languages only), which is no evidence either way.
    func nearest(_ query: (values: [Int8], scale: Float), intent: Int, excluding: Int) -> Float? {
        let dimensions = query.values.count
        var best: Float?
        let examples = positions[intent]
        let factors = scales[intent]
        packed[intent].withUnsafeBufferPointer { rows in
            query.values.withUnsafeBufferPointer { values in
                guard let rows = rows.baseAddress, let values = values.baseAddress else { return }
                for (row, position) in examples.enumerated() where position != excluding {
                    let dot = Self.dot(rows + row &* dimensions, values, count: dimensions)
                    let cosine = factors[row] * query.scale * Float(dot)
                    best = max(best ?? cosine, cosine)
                }
            }
        }
        return best
    }

    /// A dot product of signed bytes, summed in integers (`entraide_dot_i8`: `pmaddwd`, 16 bytes a step; Swift's
    /// own loop did 8 on the baseline x86-64, and was the largest part of a match with the vectors on). Exact:
    /// the sum of 4,096 products of bytes fits in 32 bits.
    static func dot(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int) -> Int32 {
        Int32(entraide_dot_i8(a, b, count))
    }
}
