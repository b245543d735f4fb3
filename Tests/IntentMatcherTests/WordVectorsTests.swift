import Testing
@testable import IntentMatcher

@Suite("English word vectors")
struct WordVectorsTests {
    private func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    private func vector(_ vectors: WordVectors, _ text: String) throws -> [Float] {
        try #require(vectors.vector(of: TextNormalizer.tokens(text).map(\.text)), "no vector for \(text)")
    }

    @Test func theLinkedTableLoadsAndCutsWordsAsBERTDoes() throws {
        let vectors = try #require(WordVectors.shipped, "word-vectors.bin is not linked in or is damaged")
        #expect(vectors.dimensions == 256)
        var pieces: [Int32] = []
        #expect(vectors.pieces(of: "payment", into: &pieces) && pieces.count == 1)
        pieces.removeAll()
        // A long word is cut into a start and continuations ("##…"), never dropped.
        #expect(vectors.pieces(of: "unpaidness", into: &pieces) && pieces.count >= 2)
        pieces.removeAll()
        // Only ASCII pieces are kept: a word in Arabic script has none, and nothing half-cut is left behind.
        #expect(!vectors.pieces(of: "فلوسي", into: &pieces) && pieces.isEmpty)
        #expect(!vectors.pieces(of: String(repeating: "a", count: 101), into: &pieces) && pieces.isEmpty)
        #expect(vectors.vector(of: ["فلوسي", ""]) == nil)
    }

    @Test func sentencesThatMeanTheSameAreCloserThanOnesThatDoNot() throws {
        let vectors = try #require(WordVectors.shipped)
        let unpaid = try vector(vectors, "my payment never arrived")
        let paraphrase = try vector(vectors, "I still have not been paid for my work")
        let alarm = try vector(vectors, "wake me up at seven tomorrow")
        let norm = cosine(unpaid, unpaid)
        #expect(abs(norm - 1) < 1e-4)
        #expect(cosine(unpaid, paraphrase) > cosine(unpaid, alarm) + 0.1,
                "paid \(cosine(unpaid, paraphrase)) alarm \(cosine(unpaid, alarm))")
    }

    @Test func bytesKeepTheCosinesOfRealSentencesWithinAHundredth() throws {
        // The examples' vectors are kept as signed bytes (`ExampleVectors.quantize`); the cosines that pick an
        // intent's nearest example must stay what the floats say, to well under the gaps between intents.
        let vectors = try #require(WordVectors.shipped)
        let texts = ["my payment never arrived", "I still have not been paid for my work",
                     "wake me up at seven tomorrow", "my requester rejected all my hits without a reason",
                     "how do I join a union of click workers", "is this job offer asking for a fee a scam"]
        let floats = try texts.map { try vector(vectors, $0) }
        var largestError: Float = 0
        for a in floats {
            let query = ExampleVectors.quantize(a)
            for b in floats {
                let example = ExampleVectors.quantize(b)
                let bytes = example.values.withUnsafeBufferPointer { x in
                    query.values.withUnsafeBufferPointer { y in
                        ExampleVectors.dot(x.baseAddress!, y.baseAddress!, count: x.count)
                    }
                }
                largestError = max(largestError, abs(Float(bytes) * example.scale * query.scale - cosine(a, b)))
            }
        }
        #expect(largestError < 0.01, "largest error \(largestError)")
        #expect(largestError > 0, "bytes cannot be exact: the check compared nothing")
        #expect(ExampleVectors.quantize([0, 0]).scale == 0)
    }

    @Test func aDamagedTableIsRefusedNotRead() {
        let header: [UInt8] = Array("EWV1".utf8) + [1, 0, 0, 0, 4, 0, 0, 0]
        let row: [UInt8] = [2] + Array("ok".utf8) + [0, 0, 128, 63, 0, 0, 128, 63] + [1, 2, 3, 4]
        let good = header + row
        #expect(good.withUnsafeBytes { WordVectors($0) }?.dimensions == 4)
        #expect(Array(good.dropLast()).withUnsafeBytes { WordVectors($0) } == nil)  // truncated
        #expect((good + [0]).withUnsafeBytes { WordVectors($0) } == nil)  // trailing bytes
        #expect((Array("EWV2".utf8) + good.dropFirst(4)).withUnsafeBytes { WordVectors($0) } == nil)
        let huge = Array("EWV1".utf8) + [0xff, 0xff, 0xff, 0x7f, 4, 0, 0, 0]
        #expect(huge.withUnsafeBytes { WordVectors($0) } == nil)
    }

    /// The weights measured in docs/benchmarks.md, with which the vectors are turned on.
    private static var withVectors: MatcherConfiguration {
        var configuration = MatcherConfiguration.default
        configuration.wordVectorWeight = MatcherConfiguration.measuredWordVectorWeight
        configuration.similarityWeight = MatcherConfiguration.measuredSimilarityWeight
        return configuration
    }

    @Test func onlyAMessageReadInEnglishUsesThem() throws {
        let matcher = Matcher(answers: try #require(Shipped.answers), configuration: Self.withVectors)
        #expect(matcher.explain("my payment never arrived").usedWordVectors)
        #expect(matcher.match("my payment never arrived").intent == "pay-missing")
        #expect(!matcher.explain("no me han pagado el trabajo de la semana pasada").usedWordVectors)
        #expect(!matcher.explain("ما وصلني الدفع").usedWordVectors)
    }

    @Test func theDefaultLeavesThemOff() throws {
        // Off until they are fast enough and the clarify margin they lead to is understood (see
        // MatcherConfiguration.wordVectorWeight).
        let matcher = Matcher(answers: try #require(Shipped.answers))
        #expect(!matcher.explain("my payment never arrived").usedWordVectors)
        #expect(matcher.match("my payment never arrived").intent == "pay-missing")
    }
}
