import Foundation
import Testing
@testable import IntentMatcher

@Suite("Matching messages to intents", .enabled(if: Shipped.loads, "intents/ does not load"))
struct MatcherTests {
    let matcher = Shipped.matcher

    @Test(arguments: [
        ("hello", Language.en), ("bonjour", .fr), ("hola", .es), ("olá", .pt), ("مرحبا", .ar),
        ("hi", .en), ("salut", .fr), ("buenas", .es), ("oi", .pt), ("أهلا", .ar),
    ])
    func greetingsInEveryLanguage(_ text: String, _ language: Language) throws {
        let match = try #require(matcher).match(text)
        #expect(match.decision == .answer)
        #expect(match.intent == "greeting")
        #expect(match.language == language)
    }

    @Test(arguments: ["merci", "gracias", "thanks", "thx"])
    func veryShortExactExamples(_ text: String) throws {
        let match = try #require(matcher).match(text)
        #expect(match.decision == .answer && match.intent == "thanks", "\(match)")
    }

    @Test(arguments: [
        "I want to talk to a human", "je veux parler à une vraie personne", "quiero hablar con una persona",
        "quero falar com uma pessoa", "أريد التحدث مع شخص حقيقي",
    ])
    func askingForAPersonEscalates(_ text: String) throws {
        let match = try #require(matcher).match(text)
        #expect(match.decision == .escalate)
        #expect(match.intent == "human")
    }

    /// Phrasings of crisis that are not examples, in every language: each must escalate, whatever else the
    /// message also talks about.
    @Test(arguments: [
        "i want to die", "I keep thinking about killing myself", "I'm going to hurt myself tonight",
        "je veux mourir", "je pense au suicide", "je vais me faire du mal ce soir",
        "me quiero morir", "estoy pensando en suicidarme", "ya no quiero vivir más",
        "quero morrer", "estou pensando em me matar", "não quero mais viver",
        "أريد أن أموت", "أفكر في الانتحار", "سأؤذي نفسي الليلة",
        "my hit got rejected and I want to die",
    ])
    func crisisEscalatesInEveryLanguage(_ text: String) throws {
        let matcher = try #require(matcher)
        let match = matcher.match(text)
        #expect(match.decision == .escalate, "\(matcher.explain(text))")
        #expect(match.intent == "crisis")
    }

    /// The ways of saying it that the crisis examples first lacked: pills and overdose, wanting to disappear,
    /// not wanting to wake up, being hurt at home. Every language, none of them an example or a regression phrase.
    @Test(arguments: [
        "I'm going to take a whole box of sleeping pills", "I wish I could just disappear",
        "I don't want to wake up tomorrow", "my boyfriend beats me",
        "je veux avaler tous mes cachets", "j'ai envie de disparaître", "je ne veux plus me réveiller", "mon mari me bat",
        "voy a tomarme todas mis pastillas", "quiero desaparecer", "no quiero despertar nunca más", "mi esposo me pega",
        "vou tomar todos os meus comprimidos", "quero sumir", "não quero mais acordar", "meu marido me agride",
        "سأبتلع كل الحبوب", "أريد أن أختفي", "لا أريد أن أستيقظ", "زوجي يضربني",
        "I failed my math exam and I want to die", "I WANT TO DIE",
    ])
    func crisisCatchesPillsDisappearingNotWakingUpAndViolenceAtHome(_ text: String) throws {
        let matcher = try #require(matcher)
        let match = matcher.match(text)
        #expect(match.decision == .escalate && match.intent == "crisis", "\(matcher.explain(text))")
    }

    /// Asking for a person shares "want" with "I want to die": it must reach `human`, not crisis.
    @Test(arguments: ["I want a volunteer", "can I talk to a volunteer please", "quiero un voluntario", "je veux un bénévole"])
    func askingForAVolunteerIsNotACrisis(_ text: String) throws {
        let matcher = try #require(matcher)
        let match = matcher.match(text)
        #expect(match.decision == .escalate && match.intent == "human", "\(matcher.explain(text))")
    }

    /// Off-topic questions built around a helpline word ("minimum", "rejected") fall back.
    @Test(arguments: [
        "what's the minimum salary of a basketball player", "my visa got rejected at the consulate",
        "salaire minimum d'un joueur de basket", "receta de pastel con pago rapido",
    ])
    func offTopicQuestionsWithHelplineWordsFallBack(_ text: String) throws {
        let matcher = try #require(matcher)
        let match = matcher.match(text)
        #expect(match.decision == .fallback, "\(matcher.explain(text))")
    }

    /// Portuguese "obrigar" (to force) stems like "obrigado" (thanks), and "de graça" (for free) like Spanish
    /// "gracias": neither is a thank-you, while "obrigado" and "obrigada" still are.
    @Test func portugueseForcedAndFreeAreNotThanks() throws {
        let matcher = try #require(matcher)
        for text in ["é legal obrigar avaliadores a treinar de graça?", "trabalhei de graça no treinamento da appen"] {
            #expect(matcher.match(text).intent == "pay-unpaid-training", "\(matcher.explain(text))")
        }
        for text in ["muito obrigado", "obrigada pela ajuda"] {
            #expect(matcher.match(text).intent == "thanks", "\(matcher.explain(text))")
        }
    }

    /// `TO` typed in capitals is Turkopticon; `to` is not, nor is `TO` in a message shouted in capitals.
    @Test func capitalisedAcronyms() throws {
        let matcher = try #require(matcher)
        #expect(matcher.match("is TO working today?").intent == "union-turkopticon")
        #expect(matcher.match("how to use this").intent == "help")
        #expect(matcher.match("I WANT TO DIE").intent == "crisis")
    }

    @Test(arguments: [
        "what's the weather in Nairobi tomorrow", "recette de crêpes au chocolat",
        "quién ganó el partido de fútbol ayer", "qual é a capital da França", "ما هي أفضل وصفة للكبسة",
    ])
    func outOfScopeFallsBack(_ text: String) throws {
        let matcher = try #require(matcher)
        let match = matcher.match(text)
        #expect(match.decision == .fallback, "\(matcher.explain(text))")
        #expect(match.intent == nil)
    }

    @Test func anAnswerComesWithItsIntentAndAlternatives() throws {
        let match = try #require(matcher).match("requester rejected my hit, can I still get paid?")
        #expect(match.decision == .answer)
        #expect(match.intent == "rejection-unpaid")
        #expect(match.score > 0 && match.score <= 1)
        #expect(!match.alternatives.contains { $0.intent == "rejection-unpaid" })
        #expect(match.alternatives.count <= MatcherConfiguration.default.maximumAlternatives)
    }

    @Test func closeCandidatesAskTheWorkerToChoose() throws {
        var configuration = MatcherConfiguration.default
        configuration.clarifyMargin = 1
        let matcher = Matcher(answers: try #require(Shipped.answers), configuration: configuration)
        let match = matcher.match("my account was suspended and my payment never arrived")
        #expect(match.decision == .clarify)
        #expect(match.intent == nil)
        #expect(match.alternatives.count >= 2)
        #expect(match.alternatives == match.alternatives.sorted { $0.score > $1.score })
    }

    @Test func typosStillMatch() throws {
        let matcher = try #require(matcher)
        #expect(matcher.match("humann").intent == "human")
        #expect(matcher.match("graciass").intent == "thanks")
        #expect(matcher.match("holaa").intent == "greeting")
    }

    /// Bad input never crashes and gets a sensible decision.
    @Test func badInput() throws {
        let matcher = try #require(matcher)
        for text in ["", "   \n\t", "🙂👍🎉", "?!?!...;;", "12345 678", "\u{200B}\u{202E}\u{2066}"] {
            let match = matcher.match(text)
            #expect(match.decision == .fallback, "\(text.debugDescription): \(match)")
            #expect(match.intent == nil)
        }
        let invalid = String(decoding: [0xFF, 0xFE, 0xC3, 0x28, 0xA0, 0xA1], as: UTF8.self)
        #expect(matcher.match(invalid).decision == .fallback)
        // A megabyte: only the first scalars are matched, so it costs what a normal message costs.
        let huge = String(repeating: "my hit was rejected ", count: 52_429)
        let start = ContinuousClock.now
        let hugeMatch = matcher.match(huge)
        print("1 MiB message: \(hugeMatch.decision) \(hugeMatch.intent ?? "-") in \(ContinuousClock.now - start)")
        _ = matcher.explain(huge)
        // Mixed scripts and right-to-left text with bidi controls.
        #expect(matcher.match("hello مرحبا").intent == "greeting")
        #expect(matcher.match("\u{202B}مرحبا\u{202C}\u{200F}").intent == "greeting")
        _ = matcher.match("привет 你好 שלום नमस्ते")
        _ = matcher.match(String(repeating: "\u{0301}", count: 10_000))
        _ = matcher.match(String(repeating: "é", count: 5_000))
    }

    @Test func explanationsShowTheWordsAndTheExamples() throws {
        let explanation = try #require(matcher).explain("Mon HIT a été rejeté, je ne suis pas payée")
        #expect(explanation.language == .fr)
        #expect(explanation.normalized == "mon hit a ete rejete je ne suis pas payee")
        #expect(explanation.words.contains { $0.text == "hit" && $0.term == "task" })
        #expect(explanation.words.contains { $0.text == "je" && $0.isStopword })
        let best = try #require(explanation.candidates.first)
        #expect(best.intent == "rejection-unpaid")
        #expect(best.example == "mon HIT a été rejeté et je ne suis pas payé")
        #expect(explanation.match.intent == "rejection-unpaid")
        #expect(explanation.description.contains("rejection-unpaid"))
        #expect(explanation.description.contains("hit→task"))
    }

    @Test func theIndexIsBuiltQuickly() throws {
        let answers = try #require(Shipped.answers)
        let start = ContinuousClock.now
        _ = Matcher(answers: answers)
        // Printed, not asserted: debug builds and a busy machine make times meaningless as a pass/fail.
        print("index built in \(ContinuousClock.now - start) for \(answers.intents.count) intents")
    }
}
