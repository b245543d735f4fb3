import CWordVectors
import Foundation
import Testing
@testable import IntentMatcher

/// The learned half of the matcher and its calibration, on small sets whose right answer is known.
@Suite("Learned model and calibration")
struct LearnedModelTests {
    @Test func featureIDsSortAsTheStandardLibrarySortsThem() {
        // Insertion up to 48 ids, a radix sort on bytes past that: both against `sorted()`, with repeats (a
        // message's repeated words and grams), the largest id and the lengths around the switch.
        var random = SplitMix64(seed: 11)
        for count in [0, 1, 2, 47, 48, 49, 50, 300, 5_000] {
            for range in [Int32(4), 1_000, 70_000, Int32.max] {
                var ids = (0..<count).map { _ in Int32(truncatingIfNeeded: random.next() % UInt64(range)) }
                if count > 2 { ids[1] = ids[0]; ids[count - 1] = range - 1 }
                let expected = ids.sorted()
                TextFeatures.sortIDs(&ids)
                #expect(ids == expected, "\(count) ids under \(range)")
            }
        }
    }

    private static func document(_ text: String, _ intent: Int) -> IntentModel.Document {
        let tokens = TextNormalizer.tokens(text)
        return IntentModel.Document(keys: TextFeatures.keys(tokens: tokens, terms: tokens.map(\.text)), intent: intent)
    }

    @Test func aSeparableSetIsLearnedAndNewPhrasingsFollowTheirWords() {
        let documents = [
            Self.document("my payment is late", 0), Self.document("payment never arrived", 0),
            Self.document("where is my payment", 0), Self.document("they rejected my work", 1),
            Self.document("rejected without a reason", 1), Self.document("why was my task rejected", 1),
        ]
        let features = TextFeatures(documents: documents.map(\.keys))
        var regression = SoftmaxRegression(classes: 2, features: features.count)
        regression.train(documents.map { (features.vector($0.keys), $0.intent) })
        var probabilities = [Float](repeating: 0, count: 2)
        for document in documents {
            regression.probabilities(features.vector(document.keys), into: &probabilities)
            #expect(probabilities[document.intent] > 0.5, "a training example goes to its own intent")
        }
        regression.probabilities(features.vector(Self.document("the payment is still late", 0).keys), into: &probabilities)
        #expect(probabilities[0] > probabilities[1])
        #expect(abs(probabilities[0] + probabilities[1] - 1) < 1e-4)
        // Nothing known: the intercepts alone, close to even for a balanced set.
        regression.probabilities(features.vector(Self.document("zzzz qqqq", 0).keys), into: &probabilities)
        #expect(abs(probabilities[0] - probabilities[1]) < 0.2)
    }

    @Test func vectorsAreUnitLengthAndIgnoreUnseenFeatures() {
        let documents = [Self.document("payment late", 0), Self.document("work rejected", 1)]
        let features = TextFeatures(documents: documents.map(\.keys))
        let vector = features.vector(Self.document("payment late xylophone", 0).keys)
        let norm = vector.values.reduce(0) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-4)
        #expect(vector.ids == vector.ids.sorted() && Set(vector.ids).count == vector.ids.count)
        #expect(features.vector(Self.document("xylophone", 0).keys).ids.isEmpty)
    }

    @Test func theAnswerThresholdKeepsTheSetShareOfRightAnswers() {
        // 100 right answers scoring 0.01 … 1.00, 20 wrong ones: `answeredShare` of the right ones (80: 0.21 …
        // 1.00) stay above the threshold.
        var records = (1...100).map { Calibration.Record(best: Double($0) / 100, second: 0, rank: 0) }
        records += (1...20).map { _ in Calibration.Record(best: 0.3, second: 0.29, rank: 1) }
        let calibration = Calibration(records: records, folds: 3)
        let kept = records.filter { $0.rank == 0 && $0.best >= calibration.answerThreshold }.count
        #expect(kept == Int((100 * Calibration.answeredShare).rounded()))
        #expect(abs(calibration.answerThreshold - (1 - Calibration.answeredShare + 0.01)) < 1e-9)
        #expect(calibration.clarifyFloor == calibration.answerThreshold / 2)
        // The wrong first guesses were second-right by a hair: asking pays there.
        #expect(calibration.clarifyMargin >= 0.01)
        #expect(abs(calibration.heldOutTop1 - 100.0 / 120.0) < 1e-9)
    }

    /// Out-of-scope examples set the threshold where `outOfScopeShare` of them fall below it; they can raise
    /// the bar, never lower it past the answered-share ceiling.
    @Test func outOfScopeExamplesSetTheThreshold() {
        let records = (1...100).map { Calibration.Record(best: Double($0) / 100, second: 0, rank: 0) }
        // 40 negatives scoring 0.41 … 0.80: the share `outOfScopeShare` of them (34 of 40 at 0.83, rounded up)
        // must fall below, so the threshold is the next one up.
        let negatives = (41...80).map { Double($0) / 100 }
        let below = Int((40 * Calibration.outOfScopeShare).rounded(.up))
        let raised = Calibration(records: records, outOfScope: negatives, folds: 3)
        #expect(abs(raised.answerThreshold - negatives[below]) < 1e-9)
        #expect(negatives.filter { $0 < raised.answerThreshold }.count == below)
        #expect(raised.outOfScopeExamples == 40 && abs(raised.outOfScopeFallingBack - Double(below) / 40) < 1e-9)
        #expect(raised.description.contains(
            "out-of-scope examples: 40, \(String(format: "%.1f", 100 * Double(below) / 40))% below the threshold"))
        // It is above what the answered share alone gives: the negatives raised it.
        #expect(raised.answerThreshold > Calibration(records: records, folds: 3).answerThreshold)
        // Negatives that all score low do not take the threshold under the one that keeps the ceiling's share.
        let low = Calibration(records: records, outOfScope: (1...40).map { Double($0) / 1000 }, folds: 3)
        let kept = records.filter { $0.best >= low.answerThreshold }.count
        #expect(kept == Int((100 * Calibration.answeredShareCeiling).rounded()))
        // Negatives tied at the point where the share is reached all fall below: the threshold is just above.
        // Above 0.9 it is capped (a threshold over 0.9 answers almost nothing), and `explain` shows how few fall
        // below.
        let tied = Calibration(records: records, outOfScope: [Double](repeating: 0.95, count: 30), folds: 3)
        #expect(tied.answerThreshold == 0.9 && tied.outOfScopeFallingBack == 0)
        #expect(tied.description.contains("out-of-scope examples: 30, 0.0% below the threshold"))
        let tiedLow = Calibration(records: records, outOfScope: [Double](repeating: 0.5, count: 30), folds: 3)
        #expect(tiedLow.answerThreshold == (0.5).nextUp && tiedLow.outOfScopeFallingBack == 1)
        // Too few negatives to say anything: the answered share decides, as without them.
        let few = Calibration(records: records, outOfScope: [0.9, 0.95], folds: 3)
        #expect(few.answerThreshold == Calibration(records: records, folds: 3).answerThreshold)
        #expect(few.outOfScopeExamples == 2)
    }

    /// A message's model features and word vector come from what each word's analysis keeps (its terms' hashes,
    /// n-grams and word pieces, worked out once): they must be exactly what the training path computes from the
    /// words themselves, for known words, new words, a corrected typo, an acronym and other scripts.
    @Test(.enabled(if: Shipped.loads, "intents/ does not load: see shippedAnswerSetIsValid"))
    func aMessageIsFeaturedAsTheTrainingPathFeaturesIt() throws {
        let matcher = try #require(Shipped.matcher)
        let vectors = try #require(matcher.exampleVectors.wordVectors)
        let messages = [
            "my HIT was rejected and i was not paid", "requestor rejectd my work", "the ZZQX widget frobnicated",
            "My UHRS account is suspended", "mon paiement n'est jamais arrivé", "لم أستلم أجري", "café ñandú 123",
            "I completed 40 HITs for a requester who never paid, what can I do?",
        ]
        var corrected = 0  // words whose analysis is of another word (a typo corrected): n-grams of what was written
        var unslotted = 0  // words of no example: n-grams worked out for the message
        for message in messages {
            let analysis = matcher.analyse(message, hint: nil)
            let language = analysis.stemmingLanguage
            // The training path: each word's term in the message's language, or the first language whose term
            // the model knows; then `TextFeatures.keys`.
            let terms = analysis.features.map { word -> String in
                let known = { (term: String) in
                    matcher.model.features.ids[TextFeatures.Key(word: TextFeatures.hash(term, seed: TextFeatures.wordSeed)).hash] != nil
                }
                return known(word.terms[language.index]) ? word.terms[language.index]
                    : word.terms.first(where: known) ?? word.terms[language.index]
            }
            let wordVector = vectors.vector(of: analysis.tokens.map(\.text))
            var expected = [Float](repeating: 0, count: analysis.scores.count)
            matcher.model.regression.probabilities(
                matcher.model.features.vector(TextFeatures.keys(tokens: analysis.tokens, terms: terms), wordVector: wordVector),
                into: &expected)
            var kept = [Float](repeating: 0, count: analysis.scores.count)
            matcher.model.probabilities(tokens: analysis.tokens, words: analysis.features, language: language,
                                        wordVector: wordVector, grams: matcher.wordGrams, into: &kept)
            #expect(kept == expected, "\(message)")
            corrected += zip(analysis.tokens, analysis.features).filter { $0.text != $1.text }.count
            unslotted += analysis.features.filter { $0.slot < 0 }.count
            let pieces = zip(analysis.tokens, analysis.features).map { ExampleVectors.pieces(of: $0, $1, vectors) }
            #expect(vectors.vector(pieceLists: pieces) == wordVector, "\(message)")
        }
        #expect(corrected > 0 && unslotted > 0, "both fallbacks taken: \(corrected) corrected, \(unslotted) without a slot")
    }

    /// The model's row loops in C (8 floats a step on AVX2, 4 on SSE2) give exactly the bits of the plain loop
    /// (each product rounded, then added): a set trains to the same model on every x86-64.
    @Test func theRowLoopsGiveThePlainLoopsBits() {
        var random = SplitMix64(seed: 11)
        func float() -> Float { Float(Int64(bitPattern: random.next()) % 2_000_001) / 1_000_000 }
        for stride in [8, 16, 24, 32, 40, 48, 56, 64, 72, 152] {  // every block width: 1 to 8 lanes of 8
            let rows = 50
            let weights = (0..<(rows * stride)).map { _ in float() }
            let ids = (0..<40).map { _ in Int32(random.next() % UInt64(rows)) }  // repeats included
            let values = ids.map { _ in float() }
            let gradient = (0..<stride).map { _ in float() }
            let step: Float = 0.37
            var plainSum = [Float](repeating: 0.5, count: stride)
            var plainWeights = weights
            for (id, value) in zip(ids, values) {
                for k in 0..<stride { plainSum[k] += value * weights[Int(id) * stride + k] }
                let factor = step * value
                for k in 0..<stride { plainWeights[Int(id) * stride + k] -= factor * gradient[k] }
            }
            for (name, add, subtract) in [("picked", entraide_add_rows, entraide_subtract_rows),
                                          ("SSE2", entraide_add_rows_baseline, entraide_subtract_rows_baseline)] {
                var sum = [Float](repeating: 0.5, count: stride)
                var updated = weights
                add(&sum, weights, ids, values, ids.count, stride)
                subtract(&updated, ids, values, ids.count, stride, step, gradient)
                #expect(sum.map(\.bitPattern) == plainSum.map(\.bitPattern), "\(name), stride \(stride)")
                #expect(updated.map(\.bitPattern) == plainWeights.map(\.bitPattern), "\(name), stride \(stride)")
            }
        }
    }

    @Test func tooFewExamplesKeepAFixedOperatingPoint() {
        let calibration = Calibration(records: [Calibration.Record(best: 0.9, second: 0.1, rank: 0)], folds: 3)
        #expect(calibration == .fallback)
    }

    /// The model is trained while the index is built, from documents made with the analyzer alone: they must be
    /// the documents the index's own analysis gives, example for example, or the model and the calibration folds
    /// would disagree on which example is which.
    @Test func theModelsDocumentsAreTheIndexsExamples() throws {
        let answers = try #require(Shipped.answers)
        let index = MatcherIndex(answers: answers, configuration: .default)
        let fromIndex = IntentModel.documents(index)
        let fromAnalyzer = IntentModel.documents(answers, analyzer: index.analyzer)
        #expect(fromIndex.count == fromAnalyzer.count)
        #expect(fromAnalyzer.count == index.examples.count + index.intentIDs.count)
        var different = 0
        for position in index.examples.indices
        where fromIndex[position].keys != fromAnalyzer[position].keys || fromIndex[position].intent != fromAnalyzer[position].intent {
            different += 1
        }
        #expect(different == 0)
    }

    /// The training set is made from the words the index numbered (each word's n-grams cut once), not from every
    /// example's text cut again: it must be the set the documents give, feature for feature and value for value,
    /// with the English word vectors in, or a kept model would no longer match the one trained before.
    @Test func theTrainingSetFromTheIndexsWordsIsTheDocumentsOne() throws {
        let answers = try #require(Shipped.answers)
        let configuration = MatcherConfiguration.default
        let index = MatcherIndex(answers: answers, configuration: configuration)
        let vectors = try #require(WordVectors.shipped)
        let exampleVectors = ExampleVectors(index, vectors: vectors)
        #expect(exampleVectors.vectors.contains { $0 != nil }, "no English example has a vector")
        let fromDocuments = IntentModel.TrainingSet(
            IntentModel.documents(index, exampleVectors: exampleVectors.vectors, vectors: vectors),
            classes: index.intentIDs.count, vectorDimensions: vectors.dimensions,
            vectorWeight: Float(configuration.wordVectorWeight))
        let fromWords = IntentModel.TrainingSet(
            index: index, vectors: exampleVectors, vectorDimensions: vectors.dimensions, vectorWeight: Float(configuration.wordVectorWeight))
        // Counted rather than compared whole: a failure prints a number, not two vocabularies.
        #expect(fromWords.features.idf.count == fromDocuments.features.idf.count)
        #expect(zip(fromWords.features.idf, fromDocuments.features.idf).count { $0 != $1 } == 0)
        #expect(zip(fromWords.features.isWordFeature, fromDocuments.features.isWordFeature).count { $0 != $1 } == 0)
        #expect(fromWords.examples.count == fromDocuments.examples.count)
        var different = 0
        for (a, b) in zip(fromWords.examples, fromDocuments.examples)
        where a.label != b.label || a.vector.ids != b.vector.ids || a.vector.values != b.vector.values {
            different += 1
        }
        #expect(different == 0)
    }

    @Test func aMissingLetterIsFoundThroughTheDeletionIndex() {
        let corrector = SpellingCorrector(words: ["receive", "payment", "rejected", "hi"])
        #expect(corrector.correction(of: "recive") == "receive")
        #expect(corrector.correction(of: "paymnt") == "payment")
        #expect(corrector.correction(of: "rejectd") == "rejected")
        #expect(corrector.correction(of: "hii") == "hi", "a doubled letter")
        #expect(corrector.correction(of: "receive") == nil, "known already")
        #expect(corrector.correction(of: "payslip") == nil, "not one missing letter away")
        #expect(corrector.correction(of: "pament") == "payment")
        #expect(corrector.correction(of: "paymt") == nil, "two letters away")
    }

    @Test func parallelWorkKeepsTheOrder() {
        let numbers = Array(0..<10_000)
        #expect(Parallel.map(numbers, minimumChunk: 100) { $0 * 2 } == numbers.map { $0 * 2 })
        #expect(Parallel.map([Int]()) { $0 }.isEmpty)
    }

    @Test func theShippedSetIsCalibratedFromItsOwnExamples() throws {
        let matcher = Matcher(answers: try #require(Shipped.answers))
        // Folds are held out in turn until `calibrationExamples` are (all of them in a small set).
        let enough = min(matcher.index.examples.count, MatcherConfiguration.default.calibrationExamples)
        #expect(matcher.calibration.heldOut >= enough && matcher.calibration.heldOut <= matcher.index.examples.count)
        #expect(matcher.calibration.folds == 3)
        #expect(matcher.calibration.answerThreshold > 0 && matcher.calibration.answerThreshold < 1)
        #expect(matcher.explain("my payment is late").description.contains("calibration (3-fold"))
    }
}

/// Forum-style messages: several sentences, names and places the answer files never use.
@Suite("Long messages")
struct LongMessageTests {
    @Test func aStoryIsMatchedOnWhatItAsks() throws {
        let matcher = Matcher(answers: try #require(Shipped.answers))
        let story = "So I have been doing surveys on Prolific for about 8 months now, mostly from Nairobi in the "
            + "evenings after my day job. Last week a researcher rejected 14 of my submissions saying I failed "
            + "attention checks, which I did not. My approval rating dropped from 99 to 96 and now I cannot see "
            + "half the studies. What can I do?"
        // Answered when the topic stands out, otherwise offered first among the closest (see `Matcher.decide`).
        let match = matcher.match(story)
        let topic = match.decision == .clarify ? match.alternatives.first?.intent : match.intent
        #expect(match.decision == .answer || match.decision == .clarify, "\(matcher.explain(story))")
        #expect(topic?.hasPrefix("rejection-") == true, "\(matcher.explain(story))")
    }

    /// On the real forum messages, a story is answered only well above the threshold or when no other topic is even
    /// close enough to offer; otherwise the worker chooses, from at least two topics, as long as the best is worth
    /// offering.
    @Test func aStoryIsAnsweredOnlyWhenOneTopicStandsOut() throws {
        let matcher = Matcher(answers: try #require(Shipped.answers))
        let messages = try RegressionSuite.load(directory: Repository.intents.appendingPathComponent("real-dev"))
        var stories = 0
        for message in messages {
            let analysis = matcher.analyse(message.text, hint: nil)
            guard analysis.isStory else { continue }
            stories += 1
            let match = matcher.decide(analysis)
            let best = analysis.scores.max() ?? 0
            switch match.decision {
            case .answer, .escalate where match.intent != "crisis":
                let competitors = analysis.scores.filter { $0 >= matcher.clarifyFloor }.count - 1
                #expect(match.score >= Matcher.storyAnswerFactor * matcher.answerThreshold || competitors == 0,
                        "\(message.text)")
                #expect(best >= matcher.answerThreshold, "\(message.text)")
            case .clarify:
                // Offered below the threshold too, and always as a choice: one option alone would be answered.
                // Under the floor only when the best guess is an urgent intent (see the next test).
                #expect(match.alternatives.count >= 2, "\(message.text)")
                #expect(best >= matcher.clarifyFloor || match.alternatives.first?.intent == "crisis", "\(message.text)")
            case .fallback:
                // A story falls back only when no topic is even worth offering.
                #expect(best < matcher.clarifyFloor, "\(message.text)")
            default:
                break
            }
        }
        #expect(stories >= 50)
    }

    /// A real forum message (intents/real-dev, forum-c.yaml) with none of the crisis examples' telling words:
    /// its best guess is the crisis intent, under the floor of what is offered. It is offered all the same,
    /// first, never dropped to a fallback.
    @Test func aStoryWhoseBestGuessIsACrisisIsStillOffered() throws {
        let matcher = try #require(Shipped.matcher)
        let messages = try RegressionSuite.load(directory: Repository.intents.appendingPathComponent("real-dev"))
        let story = try #require(messages.first { $0.text.contains("dark thoughts") }).text
        let analysis = matcher.analyse(story, hint: nil)
        let match = matcher.decide(analysis)
        #expect(match.decision == .clarify || match.decision == .escalate, "\(matcher.explain(story))")
        #expect((match.intent ?? match.alternatives.first?.intent) == "crisis", "\(matcher.explain(story))")
    }

    @Test func aStoryAboutSomethingElseStillFallsBack() throws {
        let matcher = Matcher(answers: try #require(Shipped.answers))
        let story = "Yesterday my cousin visited and we cooked ugali and watched the football match in Kisumu. "
            + "Then we went to the market to buy tomatoes and onions for the week. By the way what time is it."
        #expect(matcher.match(story).decision == .fallback, "\(matcher.explain(story))")
    }

    /// A story weighs the lexical score by `storyLexicalWeight`, a question by `lexicalWeight`: the one
    /// setting moves stories' scores and leaves questions' as they were.
    @Test func aStoryWeighsItsLexicalScoreByItsOwnSetting() throws {
        let shipped = try #require(Shipped.matcher)
        let changed = try #require(Shipped.matcher { $0.storyLexicalWeight = 3 })
        let question = "my payment never arrived, what can i do"
        let story = "I finished 40 tasks on Remotasks two weeks ago and they were all approved. The dashboard says "
            + "paid but nothing reached my PayPal account. Support closed my ticket without an answer. Where is my money?"
        #expect(!shipped.analyse(question, hint: nil).isStory)
        #expect(shipped.analyse(story, hint: nil).isStory)
        // Scores, not decisions: the calibration moves too where held-out examples are stories.
        #expect(shipped.analyse(question, hint: nil).scores == changed.analyse(question, hint: nil).scores)
        #expect(shipped.analyse(story, hint: nil).scores != changed.analyse(story, hint: nil).scores)
        let topic = shipped.match(story)
        #expect((topic.intent ?? topic.alternatives.first?.intent) == "pay-missing", "\(shipped.explain(story))")
    }

    @Test func sentencesGiveTheSameWordsAsTheWholeText() {
        let text = "Hola a todos. Me deben 2.5 semanas!\nEl soporte no contesta; que hago? وين فلوسي؟ ok"
        let (tokens, ends) = Matcher.tokens(text, limit: 2_000)
        #expect(tokens == TextNormalizer.tokens(text, limit: 2_000))
        // "Hola a todos" | "Me deben 2.5 semanas" (the newline after "!" makes no empty sentence) | "El soporte no
        // contesta" | "que hago" | "وين فلوسي" | "ok"; "2.5" is not a sentence end.
        #expect(ends.count == 6)
        #expect(ends.last == tokens.count)
    }
}

/// What keeps the calibration's held-out scores honest (see `Calibration`).
@Suite("Honest held-out examples")
struct HonestHeldOutTests {
    @Test func examplesWithTheWordsOfAnotherIntentsExampleAreIndistinct() {
        let words: [[String]] = [
            ["i", "have", "a", "question"], ["my", "pay", "is", "late"],  // intent 0
            ["question", "a", "have", "i", "i"], ["my", "account", "is", "banned"],  // intent 1: the same set, reordered
            ["my", "pay", "is", "late"], [],  // intent 0 again: a repeat within one intent is no confusion
        ]
        let indistinct = MatcherIndex.indistinctExamples(words, intents: [0, 0, 1, 1, 0, 0])
        #expect(indistinct == [true, false, true, false, false, false])
    }

    /// A converted public data set carries lines of nonsense words in every intent (for the languages it lacks):
    /// 10 real lines and 6 such lines an intent in the public benchmark's 10-shot sets. Held out, they were
    /// matched "rightly" by chance at low scores, and pulled the answer threshold far down (docs/benchmarks.md).
    @Test func linesSharedByEveryIntentDoNotMoveTheOperatingPoint() throws {
        let shipped = try #require(Shipped.answers)
        let filler = ["qxjz", "zjxq", "xqzj", "jzqx", "qzxj", "xjqz"]
        var orders: [[String]] = [[]]
        for _ in filler.indices {
            orders = orders.flatMap { order in filler.filter { !order.contains($0) }.map { order + [$0] } }
        }
        var few = shipped.intents
        for id in few.keys { few[id]?.examples = [.en: Array((shipped.intents[id]?.examples[.en] ?? []).prefix(10))] }
        var padded = few
        for (number, id) in padded.keys.sorted().enumerated() {
            padded[id]?.examples[.fr] = (0..<3).map { orders[number * 6 + $0].joined(separator: " ") }
            padded[id]?.examples[.es] = (3..<6).map { orders[number * 6 + $0].joined(separator: " ") }
        }
        func matcher(_ intents: [String: Intent]) -> Matcher {
            Matcher(answers: AnswerSet(intents: intents, synonyms: shipped.synonyms, directory: shipped.directory))
        }
        let plain = matcher(few)
        let withFillers = matcher(padded)
        #expect(withFillers.index.indistinct.filter { $0 }.count == 6 * padded.count)
        // The same examples held out, the same share right, about the same threshold (0.121 and 0.122 on
        // 2026-12-07 without word vectors; 0.186 and 0.201 with them, on by default since: the fillers still
        // train the model, which now has a block the fillers lack; before, 496 held out, top-1 75.4% against
        // 81.0%).
        let compared = "\(withFillers.calibration.description) against \(plain.calibration.description)"
        #expect(withFillers.calibration.heldOut == plain.calibration.heldOut, "\(compared)")
        #expect(abs(withFillers.calibration.heldOutTop1 - plain.calibration.heldOutTop1) < 0.02, "\(compared)")
        #expect(abs(withFillers.calibration.answerThreshold - plain.calibration.answerThreshold)
                < 0.1 * plain.calibration.answerThreshold, "\(compared)")
    }

    @Test func wordsOnlyOneExampleUsesAreNewWordsWhenItIsHeldOut() throws {
        let matcher = try #require(Shipped.matcher)
        let index = matcher.index
        // A word of one example only, in no answer: "sole". A word many examples use: not.
        var uses: [String: Int] = [:]
        for example in index.examples {
            for word in Set(TextNormalizer.tokens(example.text).map(\.text)) { uses[word, default: 0] += 1 }
        }
        let sole = index.soleTerms.enumerated().filter(\.element).count
        #expect(sole > 0)
        let common = try #require(uses.max { $0.value < $1.value })
        let commonFeatures = try #require(index.word(common.key))
        for id in commonFeatures.termIDs where id >= 0 { #expect(!index.soleTerms[Int(id)], "\(common.key)") }
        // Held out, an example with such a word scores lower than it does matched with its own words known.
        let position = try #require(index.examples.indices.first { position in
            let example = index.examples[position]
            return TextNormalizer.tokens(example.text).contains { token in
                guard let id = index.word(token.text)?.termIDs[example.language.index], id >= 0 else { return false }
                return index.soleTerms[Int(id)]
            }
        })
        let example = index.examples[position]
        let heldOut = matcher.analyse(example.text, hint: example.language, excluding: position)
        let known = matcher.analyse(example.text, hint: example.language)
        #expect(heldOut.penalty < known.penalty, "\(example.text)")
    }
}
