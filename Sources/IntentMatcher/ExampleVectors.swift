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

    init(_ index: MatcherIndex, vectors wordVectors: WordVectors?) {
        self.wordVectors = wordVectors
        var vectors = [[Float]?](repeating: nil, count: index.examples.count)
        var positions = [[Int]](repeating: [], count: index.intentIDs.count)
        var packed = [[Int8]](repeating: [], count: index.intentIDs.count)
        var scales = [[Float]](repeating: [], count: index.intentIDs.count)
        if let wordVectors {
            for (position, example) in index.examples.enumerated() where example.language == .en {
                guard let vector = wordVectors.vector(of: TextNormalizer.tokens(example.text).lazy.map(\.text)) else {
                    continue
                }
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
    }

    var hasVectors: Bool { positions.contains { !$0.isEmpty } }

    /// The vector of a message whose (normalised) words are `words`.
    func vector(of words: [String]) -> [Float]? {
        wordVectors?.vector(of: words)
    }

    /// A vector as signed bytes and the factor that gives its values back (its largest magnitude / 127): a
    /// cosine between two unit vectors moves by under 0.01 (`WordVectorsTests`), against gaps of 0.05 and more
    /// between the intents it separates.
    static func quantize(_ vector: [Float]) -> (values: [Int8], scale: Float) {
        let largest = vector.reduce(Float(0)) { max($0, abs($1)) }
        guard largest > 0 else { return ([Int8](repeating: 0, count: vector.count), 0) }
        let factor = 127 / largest
        return (vector.map { Int8(($0 * factor).rounded()) }, largest / 127)
    }

    /// The largest cosine of a message's vector, quantised (`quantize`, once per match), with an example of
    /// `intent` other than the one at `excluding` (held out while calibrating), or 0 when it has none.
    func nearest(_ query: (values: [Int8], scale: Float), intent: Int, excluding: Int) -> Float {
        let dimensions = query.values.count
        var best: Float = 0
        let examples = positions[intent]
        let factors = scales[intent]
        packed[intent].withUnsafeBufferPointer { rows in
            query.values.withUnsafeBufferPointer { values in
                guard let rows = rows.baseAddress, let values = values.baseAddress else { return }
                for (row, position) in examples.enumerated() where position != excluding {
                    let dot = Self.dot(rows + row &* dimensions, values, count: dimensions)
                    best = max(best, factors[row] * query.scale * Float(dot))
                }
            }
        }
        return best
    }

    /// A dot product of signed bytes in integers: integer addition is associative, so the compiler vectorises
    /// the loop as it is (a float sum keeps its order and is not); the sum of 4,096 products of bytes fits in
    /// 32 bits.
    static func dot(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int) -> Int32 {
        var sum: Int32 = 0
        for index in 0..<count { sum &+= Int32(a[index]) &* Int32(b[index]) }
        return sum
    }
}
