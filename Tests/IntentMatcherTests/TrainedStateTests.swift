import Foundation
import Testing
@testable import IntentMatcher

/// The learned model and calibration, kept and read back (`TrainedState`, `Matcher.trainingInput`).
@Suite("Trained state")
struct TrainedStateTests {
    @Test func aModelReadBackDecidesAsTheTrainedOne() throws {
        let answers = try #require(Shipped.answers)
        let trained = try #require(Shipped.matcher)
        let bytes = trained.trainedState.encoded()
        let readBack = Matcher(answers: answers, trained: try TrainedState(decoding: bytes))
        #expect(readBack.calibration == trained.calibration)
        #expect(readBack.trainedState.encoded() == bytes)
        let phrases = try RegressionSuite.load(directory: Repository.intents.appendingPathComponent("tests"))
            + RegressionSuite.load(directory: Repository.intents.appendingPathComponent("real-dev"))
        #expect(phrases.count > 1_000)
        for phrase in phrases {
            let expected = trained.match(phrase.text)
            let got = readBack.match(phrase.text)
            #expect(got == expected, "\(phrase.text)")
        }
    }

    @Test func damagedBytesAreRefusedNotRead() throws {
        let bytes = try #require(Shipped.matcher).trainedState.encoded()
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x40
        var otherFormat = bytes
        otherFormat[0] = UInt8(ascii: "X")
        var random = SystemRandomNumberGenerator()
        let noise = (0..<4_096).map { _ in UInt8.random(in: 0...255, using: &random) }
        for damaged in [Array(bytes.prefix(bytes.count - 1)), Array(bytes.prefix(100)), flipped, otherFormat, noise, [],
                        bytes + [0]] {
            #expect(throws: TrainedState.Problem.self) { try TrainedState(decoding: damaged) }
        }
    }

    /// The key a kept model is found by: the same for the same files read twice (no dictionary order in it), and
    /// different when an example, an answer, a synonym or a setting changes.
    @Test func theTrainingInputFollowsWhatTheModelDependsOn() throws {
        let first = try AnswerSetLoader.load(directory: Repository.intents)
        let second = try AnswerSetLoader.load(directory: Repository.intents)
        let input = Matcher.trainingInput(first, configuration: .default)
        #expect(input == Matcher.trainingInput(second, configuration: .default))

        var intents = first.intents
        intents["pay-missing"]?.examples[.en]?[0] += "!"
        let oneExample = AnswerSet(intents: intents, synonyms: first.synonyms, directory: first.directory,
                                   outOfScope: first.outOfScope)
        intents = first.intents
        intents["pay-missing"]?.answers[.fr]?.short += " "
        let oneAnswer = AnswerSet(intents: intents, synonyms: first.synonyms, directory: first.directory,
                                  outOfScope: first.outOfScope)
        let synonyms = AnswerSet(intents: first.intents, synonyms: first.synonyms.dropLast(), directory: first.directory,
                                 outOfScope: first.outOfScope)
        var negatives = first.outOfScope
        negatives[.fr]?[0] += "!"
        let oneNegative = AnswerSet(intents: first.intents, synonyms: first.synonyms, directory: first.directory,
                                    outOfScope: negatives)
        #expect(first.outOfScope[.fr]?.isEmpty == false)
        var settings = MatcherConfiguration.default
        settings.unknownWordPenalty += 0.01
        for changed in [Matcher.trainingInput(oneExample, configuration: .default),
                        Matcher.trainingInput(oneAnswer, configuration: .default),
                        Matcher.trainingInput(synonyms, configuration: .default),
                        Matcher.trainingInput(oneNegative, configuration: .default),
                        Matcher.trainingInput(first, configuration: settings)] {
            #expect(changed != input)
        }
    }

    /// A kept model that does not fit the set (another number of intents) is set aside: the matcher trains.
    @Test func aModelOfAnotherSetIsNotUsed() throws {
        let answers = try #require(Shipped.answers)
        var intents = answers.intents
        intents.removeValue(forKey: "thanks")
        let smaller = AnswerSet(intents: intents, synonyms: answers.synonyms, directory: answers.directory)
        let stale = try #require(Shipped.matcher).trainedState
        let matcher = Matcher(answers: smaller, trained: stale)
        #expect(matcher.trainedState.classes == intents.count)
        #expect(matcher.match("my payment never arrived").intent == "pay-missing")
    }
}
