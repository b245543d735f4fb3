import Foundation
import Testing
@testable import IntentMatcher

/// The learned half of the matcher and its calibration, on small sets whose right answer is known.
@Suite("Learned model and calibration")
struct LearnedModelTests {
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
        // 100 right answers scoring 0.01 … 1.00, 20 wrong ones: 85% of the right ones stay above the threshold.
        var records = (1...100).map { Calibration.Record(best: Double($0) / 100, second: 0, rank: 0) }
        records += (1...20).map { _ in Calibration.Record(best: 0.3, second: 0.29, rank: 1) }
        let calibration = Calibration(records: records, folds: 3)
        #expect(abs(calibration.answerThreshold - 0.16) < 0.011)
        #expect(calibration.clarifyFloor == calibration.answerThreshold / 2)
        // The wrong first guesses were second-right by a hair: asking pays there.
        #expect(calibration.clarifyMargin >= 0.01)
        #expect(abs(calibration.heldOutTop1 - 100.0 / 120.0) < 1e-9)
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
                #expect(match.alternatives.count >= 2, "\(message.text)")
                #expect(best >= matcher.clarifyFloor, "\(message.text)")
            case .fallback:
                // A story falls back only when no topic is even worth offering.
                #expect(best < matcher.clarifyFloor, "\(message.text)")
            default:
                break
            }
        }
        #expect(stories >= 50)
    }

    @Test func aStoryAboutSomethingElseStillFallsBack() throws {
        let matcher = Matcher(answers: try #require(Shipped.answers))
        let story = "Yesterday my cousin visited and we cooked ugali and watched the football match in Kisumu. "
            + "Then we went to the market to buy tomatoes and onions for the week. By the way what time is it."
        #expect(matcher.match(story).decision == .fallback, "\(matcher.explain(story))")
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
