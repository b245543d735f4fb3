import CWordVectors
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

    /// `quantize` (in C) rounds each scaled value half away from zero, as Swift's `rounded()` does: halves
    /// exactly (a largest value of 127 scales by 1), and random vectors against the same product in Swift.
    @Test func bytesAreTheScaledValuesRoundedHalfAwayFromZero() {
        let halves: [Float] = [127, 2.5, -2.5, 0.5, -0.5, 126.5, -126.5, 0.49999997, -0.49999997, 1.5, 0]
        let quantized = ExampleVectors.quantize(halves)
        #expect(quantized.values == [127, 3, -3, 1, -1, 127, -127, 0, 0, 2, 0])
        #expect(quantized.scale == 1)
        var random = SplitMix64(seed: 7)
        for length in [1, 7, 256, 300] {
            let vector = (0..<length).map { _ in Float(Int64(bitPattern: random.next()) % 1_000_001) / 999_983 }
            let largest = vector.map(abs).max() ?? 0
            let expected = vector.map { Int8(($0 * (127 / largest)).rounded()) }
            #expect(ExampleVectors.quantize(vector).values == expected, "length \(length)")
        }
    }

    /// A piece's row added to a sentence's vector in C (`entraide_add_scaled`, 8 values a step on AVX2) gives the
    /// plain loop's bits (each product rounded, then added), whatever the length.
    @Test func aPiecesRowAddsAsThePlainLoopDoes() {
        var random = SplitMix64(seed: 3)
        for count in [1, 7, 8, 256, 300] {
            let row = (0..<count).map { _ in Int8(truncatingIfNeeded: random.next()) }
            let start = (0..<count).map { _ in Float(Int64(bitPattern: random.next()) % 1_000_001) / 999_983 }
            let factor: Float = 0.0123
            var plain = start
            for index in 0..<count { plain[index] += factor * Float(row[index]) }
            var summed = start
            entraide_add_scaled(&summed, row, count, factor)
            #expect(summed.map(\.bitPattern) == plain.map(\.bitPattern), "count \(count)")
        }
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

    @Test func onlyAMessageReadInEnglishUsesThem() throws {
        let matcher = try #require(Shipped.matcher)
        #expect(matcher.explain("my payment never arrived").usedWordVectors)
        #expect(matcher.match("my payment never arrived").intent == "pay-missing")
        #expect(!matcher.explain("no me han pagado el trabajo de la semana pasada").usedWordVectors)
        #expect(!matcher.explain("ما وصلني الدفع").usedWordVectors)
    }

    @Test func theyCanBeTurnedOff() throws {
        let matcher = try #require(Shipped.matcher {
            $0.wordVectorWeight = 0
            $0.similarityWeight = 0
        })
        #expect(!matcher.explain("my payment never arrived").usedWordVectors)
        #expect(matcher.explain("my payment never arrived").description.contains("word vectors: off"))
        #expect(matcher.match("my payment never arrived").intent == "pay-missing")
    }

    @Test func theBytesDotProductIsExactAtEveryLength() {
        // Both C paths (pmaddwd; the one this processor picks, and the SSE2 one every x86-64 has) against the
        // plain sum, at lengths around their 16-byte steps and with the extremes (-128 × -128 is the one product
        // that needs all 16 bits).
        var random = SplitMix64(seed: 7)
        for count in [0, 1, 7, 15, 16, 17, 31, 32, 33, 100, 255, 256, 257, 4_096] {
            var a = (0..<count).map { _ in Int8(truncatingIfNeeded: random.next()) }
            var b = (0..<count).map { _ in Int8(truncatingIfNeeded: random.next()) }
            if count > 2 { a[0] = -128; b[0] = -128; a[1] = 127; b[1] = -128 }
            let plain = zip(a, b).reduce(Int32(0)) { $0 + Int32($1.0) * Int32($1.1) }
            let (picked, baseline) = a.withUnsafeBufferPointer { x in
                b.withUnsafeBufferPointer { y in
                    let x = x.baseAddress ?? UnsafePointer(bitPattern: 1)!, y = y.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    return (ExampleVectors.dot(x, y, count: count), Int32(entraide_dot_i8_baseline(x, y, count)))
                }
            }
            #expect(picked == plain, "length \(count)")
            #expect(baseline == plain, "length \(count), SSE2")
        }
        let largest = [Int8](repeating: -128, count: 4_096)
        #expect(largest.withUnsafeBufferPointer { ExampleVectors.dot($0.baseAddress!, $0.baseAddress!, count: 4_096) }
                == 4_096 * 16_384)
    }

    @Test func theReferenceIsTheLowerQuartileOfEachExamplesNearestNeighbour() throws {
        let matcher = try #require(Shipped.matcher)
        let vectors = matcher.exampleVectors
        // Worked out here in floats, from the examples' own vectors, as the definition says.
        var nearest: [Float] = []
        for intent in matcher.index.intentIDs.indices {
            let own = matcher.index.examples.indices.filter {
                matcher.index.examples[$0].intent == intent && vectors.vectors[$0] != nil
            }
            guard own.count >= 2 else { continue }
            for first in ExampleVectors.referenceRows(count: own.count).prefix(ExampleVectors.referenceSample).map({ own[$0] }) {
                nearest.append(own.filter { $0 != first }.map { cosine(vectors.vectors[first]!, vectors.vectors[$0]!) }
                    .max()!)
            }
        }
        nearest.sort()
        let expected = nearest[nearest.count / 4]
        #expect(nearest.count > 100, "the shipped set has English examples in every intent")
        let reference = try #require(vectors.reference)
        #expect(abs(reference - expected) < 0.01, "\(reference) against \(expected)")
        #expect(reference > 0.3 && reference < 0.95)
        // Without vectors there is nothing to centre on, and no similarity part.
        #expect(ExampleVectors(matcher.index, vectors: nil).reference == nil)
    }

    @Test func anEnglishMessageUnlikeEveryExampleIsLoweredNotRaised() throws {
        // The similarity part used to only add: any English sentence is somewhat close to some example, so an
        // out-of-scope English question scored above the same question without vectors. Centred, a message
        // further from every example than the reference loses.
        let withSimilarity = try #require(Shipped.matcher)
        let without = try #require(Shipped.matcher { $0.similarityWeight = 0 })
        for text in ["what is the capital of australia", "recommend me a good pizza recipe with mushrooms",
                     "how tall is the eiffel tower in metres"] {
            let raised = withSimilarity.match(text)
            let plain = without.match(text)
            #expect(raised.decision == .fallback, "\(text): \(raised.decision)")
            #expect(raised.score <= plain.score + 1e-9, "\(text): \(raised.score) against \(plain.score)")
        }
    }

    /// The shipped answers with each intent's English examples cut to `keep` (all of them: nil), and the
    /// English examples of `without` removed.
    private func shipped(keepingEnglish keep: Int? = nil, without: String? = nil) throws -> AnswerSet {
        let shipped = try #require(Shipped.answers)
        var intents = shipped.intents
        for (id, intent) in shipped.intents {
            if let keep { intents[id]?.examples[.en] = Array((intent.examples[.en] ?? []).prefix(keep)) }
            if id == without { intents[id]?.examples[.en] = nil }
        }
        return AnswerSet(intents: intents, synonyms: shipped.synonyms, directory: shipped.directory)
    }

    @Test func anIntentWithNoEnglishExampleIsLeftAsItIs() throws {
        // Its nearest English example is none: no evidence either way. Before, it counted as a cosine of 0, far
        // under the reference, and an English message lost 0.3 on an intent written in other languages only.
        let answers = try shipped(without: "pay-bonus")
        var off = MatcherConfiguration.default
        off.similarityWeight = 0
        let with = Matcher(answers: answers)
        let without = Matcher(answers: answers, configuration: off)
        let text = "the bonus they promised for the project never came"
        let bonus = try #require(with.index.intentIDs.firstIndex(of: "pay-bonus"))
        let scored = with.analyse(text, hint: nil)
        #expect(scored.hasWordVector)
        let best = scored.scores.indices.sorted { scored.scores[$0] > scored.scores[$1] }.prefix(Matcher.similarIntents)
        #expect(best.contains(bonus), "pay-bonus is among the best and so gets the similarity pass")
        #expect(abs(scored.scores[bonus] - without.analyse(text, hint: nil).scores[bonus]) < 1e-9)
    }

    @Test func aSetWithNoTwoEnglishExamplesInOneIntentHasNoReference() throws {
        let matcher = Matcher(answers: try shipped(keepingEnglish: 1))
        #expect(matcher.exampleVectors.reference == nil)
        let explanation = matcher.explain("my payment never arrived")
        #expect(explanation.description.contains("no intent has two English examples"))
    }
}
