/// The word vectors of the answer set's English examples, grouped by intent, for the similarity of a message
/// to an intent's nearest example (see `Matcher.blend`). Empty without vectors.
struct ExampleVectors: Sendable {
    let wordVectors: WordVectors?
    /// Per example, in index order: its unit vector, if it is in English and has one.
    let vectors: [[Float]?]
    /// Per intent: its examples that have a vector, their positions and vectors one after another.
    private let positions: [[Int]]
    private let packed: [[Float]]

    init(_ index: MatcherIndex, vectors wordVectors: WordVectors?) {
        self.wordVectors = wordVectors
        var vectors = [[Float]?](repeating: nil, count: index.examples.count)
        var positions = [[Int]](repeating: [], count: index.intentIDs.count)
        var packed = [[Float]](repeating: [], count: index.intentIDs.count)
        if let wordVectors {
            for (position, example) in index.examples.enumerated() where example.language == .en {
                guard let vector = wordVectors.vector(of: TextNormalizer.tokens(example.text).lazy.map(\.text)) else {
                    continue
                }
                vectors[position] = vector
                positions[example.intent].append(position)
                packed[example.intent].append(contentsOf: vector)
            }
        }
        self.vectors = vectors
        self.positions = positions
        self.packed = packed
    }

    var hasVectors: Bool { positions.contains { !$0.isEmpty } }

    /// The vector of a message whose (normalised) words are `words`.
    func vector(of words: [String]) -> [Float]? {
        wordVectors?.vector(of: words)
    }

    /// The largest cosine of `vector` with an example of `intent` other than the one at `excluding` (held out
    /// while calibrating), or 0 when it has none.
    func nearest(_ vector: [Float], intent: Int, excluding: Int) -> Float {
        let dimensions = vector.count
        var best: Float = 0
        let examples = positions[intent]
        packed[intent].withUnsafeBufferPointer { rows in
            vector.withUnsafeBufferPointer { query in
                guard let rows = rows.baseAddress, let query = query.baseAddress else { return }
                for (row, position) in examples.enumerated() where position != excluding {
                    best = max(best, Self.dot(rows + row &* dimensions, query, count: dimensions))
                }
            }
        }
        return best
    }

    /// A dot product eight lanes at a time: a plain loop's sum is not vectorised (floating-point addition is
    /// not associative, so the compiler keeps its order), and was most of a match's time.
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var index = 0
        while index &+ 8 <= count {
            let x = UnsafeRawPointer(a + index).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(b + index).loadUnaligned(as: SIMD8<Float>.self)
            lanes += x * y
            index &+= 8
        }
        var sum = lanes.sum()
        while index < count {
            sum += a[index] * b[index]
            index &+= 1
        }
        return sum
    }
}
