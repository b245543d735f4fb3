import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import SafetyNet
import Testing

/// The engine on the shipped answer files: pure, no store, no network.
@Suite struct HelplineEngineTests {
    static let intents = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("intents")

    let engine: HelplineEngine

    init() throws {
        let answers = try AnswerSetLoader.load(directory: Self.intents)
        engine = HelplineEngine(answers: answers, matcher: Matcher(answers: answers), safety: try SafetyNet.load(intents: Self.intents))
    }

    private func greetingShort(_ language: Language) -> String {
        engine.answers["greeting"]!.answers[language]!.short
    }

    @Test(arguments: [("hello", Language.en), ("bonjour", .fr), ("hola", .es), ("olá", .pt), ("مرحبا", .ar)])
    func greetsInTheWorkersLanguage(text: String, language: Language) {
        let outcome = engine.respond(to: text, state: ConversationState())
        #expect(outcome.intent == "greeting")
        #expect(outcome.state.language == language.rawValue)
        #expect(outcome.replies.last?.hasPrefix(greetingShort(language)) == true)
    }

    @Test func askingForAPersonEscalates() {
        let outcome = engine.respond(to: "I want to talk to a human", state: ConversationState())
        #expect(outcome.intent == "human")
        #expect(outcome.state.awaitingVolunteer)
    }

    @Test func moreSendsTheLongerPartOfTheLastAnswer() throws {
        let first = engine.respond(to: "hello", state: ConversationState())
        let more = engine.respond(to: "more", state: first.state)
        let expected = try #require(engine.answers["greeting"]?.answers[.en]?.more)
        #expect(more.replies == [expected])
    }

    @Test func aChosenLanguageSticks() {
        let chosen = engine.respond(to: "lang es", state: ConversationState())
        #expect(chosen.state.language == "es" && chosen.state.languageChosen)
        let next = engine.respond(to: "hello", state: chosen.state)
        #expect(next.replies.last?.hasPrefix(greetingShort(.es)) == true)
    }

    @Test func outOfScopeGetsTheHonestFallback() {
        let outcome = engine.respond(to: "what is the weather like in Paris tomorrow?", state: ConversationState())
        #expect(outcome.decision == .fallback)
        #expect(outcome.replies == [SystemMessage.fallback.text(in: .en)])
    }

    @Test func forgetMeAsksForErasureAndResetsTheConversation() {
        var state = ConversationState(language: "fr")
        state.lastIntent = "greeting"
        let outcome = engine.respond(to: "oublie-moi", state: state)
        #expect(outcome.eraseWorker)
        #expect(outcome.state == ConversationState())
        #expect(outcome.replies == [SystemMessage.erasing.text(in: .fr), SystemMessage.erased.text(in: .fr)])
    }

    @Test(arguments: ["", "   ", "\u{200B}\u{202E}", String(repeating: "🙂", count: 50), "?!...", "\u{FFFD}\u{FFFD}abc"])
    func oddInputGetsAnAnswerNotACrash(text: String) {
        let outcome = engine.respond(to: text, state: ConversationState())
        #expect(!outcome.replies.isEmpty)
        #expect(outcome.replies.allSatisfy { !$0.isEmpty })
    }

    @Test func aMegabyteMessageIsCutAndSaidSo() {
        let huge = String(repeating: "my hit was rejected ", count: 60_000)
        let outcome = engine.respond(to: huge, state: ConversationState())
        #expect(outcome.replies.first == SystemMessage.tooLong.text(in: .en))
    }
}

extension HelplineEngineTests {
    @Test func describingWorkBringsTheNDAReminderOnce() {
        let first = engine.respond(to: "my HIT was rejected and I was not paid", state: ConversationState())
        #expect(first.replies.contains(SystemMessage.ndaReminder.text(in: .en)))
        let second = engine.respond(to: "my HIT was rejected and I was not paid", state: first.state)
        #expect(!second.replies.contains(SystemMessage.ndaReminder.text(in: .en)))
    }
}
