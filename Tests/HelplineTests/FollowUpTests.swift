import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import SafetyNet
import Testing

/// Conversations where an answer asks something (`asks:` in its file) and the worker's reply leads somewhere:
/// the shipped answers, crisis directory and referral directory, through the engine as `serve` builds it.
@Suite struct FollowUpTests {
    let engine: HelplineEngine

    init() throws {
        engine = try AnswerLibrary.load(directory: HelplineEngineTests.intents).engine()
    }

    /// Plays a conversation and returns each turn's outcome.
    private func talk(_ messages: [String], from start: ConversationState = ConversationState()) -> [EngineOutcome] {
        var state = start
        return messages.map { message in
            let outcome = engine.respond(to: message, state: state)
            state = outcome.state
            return outcome
        }
    }

    @Test func countryAfterTheUnionAnswerLeadsToGroupsThere() throws {
        let turns = talk(["how do I join a union as a data worker", "I'm in Kenya"])
        #expect(turns[0].intent == "union-join")
        #expect(turns[0].replies.last == FollowUpMessage.askCountryAndPlatform.text(in: .en))
        #expect(turns[0].state.followUp == "union-join")
        let reply = turns[1].replies.joined(separator: "\n")
        #expect(turns[1].intent == "union-join" && turns[1].state.country == "KE")
        #expect(reply.contains("Groups that may help — Kenya:"))
        #expect(reply.contains("Data Labelers Association"))
        #expect(reply.contains("contact not confirmed"))
        #expect(turns[1].replies.last == FollowUpMessage.orVolunteer.text(in: .en))
        #expect(turns[1].state.followUp == nil)
    }

    /// The reply the issue reported getting a menu of unrelated topics.
    @Test func countryAndPlatformInOneFrenchReply() throws {
        let turns = talk(["comment rejoindre un syndicat ?", "je suis en France, je bosse sur Clickworker"])
        #expect(turns[0].intent == "union-join" && turns[0].state.language == "fr")
        #expect(turns[1].decision == .answer && turns[1].intent == "union-join")
        #expect(turns[1].state.country == "FR" && turns[1].state.platform == "clickworker")
        let reply = turns[1].replies.joined(separator: "\n")
        // No group in France is known: said honestly, with the ones that work across countries and a volunteer.
        #expect(reply.contains("Je ne connais pas encore de groupe pour ce pays"))
        #expect(reply.contains("Tech Workers Coalition"))
        #expect(turns[1].replies.last == FollowUpMessage.orVolunteer.text(in: .fr))
    }

    @Test func platformAfterARejectionLeadsToThatPlatformsPart() throws {
        let turns = talk(["my work was rejected and I was not paid", "mturk"])
        #expect(turns[0].intent == "rejection-unpaid")
        #expect(turns[0].replies.last == FollowUpMessage.askPlatform.text(in: .en))
        let more = try #require(engine.answers["rejection-unpaid"]?.answers[.en]?.more)
        let mturkPart = try #require(more.split(separator: "\n").first { $0.hasPrefix("MTurk:") })
        // "mturk" alone looks like a question about Turkopticon; after "which platform?" it is the reply.
        #expect(turns[1].intent == "rejection-unpaid")
        #expect(turns[1].replies.first == String(mturkPart))
        #expect(turns[1].state.platform == "mturk")
    }

    @Test(arguments: [Language.es, .pt, .ar])
    func platformFollowUpInOtherLanguages(_ language: Language) throws {
        let question = [Language.es: "me rechazaron el trabajo y no me pagaron", .pt: "rejeitaram meu trabalho e não me pagaram",
                        .ar: "رفضوا عملي ولم يدفعوا لي"][language]!
        let turns = talk([question, "Prolific"])
        #expect(turns[0].intent == "rejection-unpaid")
        #expect(turns[0].replies.last == FollowUpMessage.askPlatform.text(in: language))
        #expect(turns[1].intent == "rejection-unpaid" && turns[1].state.platform == "prolific")
        let part = try #require(engine.answers["rejection-unpaid"]?.answers[language]?.answer(about: "prolific"))
        #expect(turns[1].replies.first == part)
    }

    /// A question that names its platform gets that platform's part at once, and is not asked which one.
    @Test func aQuestionThatNamesItsPlatformIsNotAskedAgain() {
        let turn = talk(["prolific rejected my study, what can I do?"])[0]
        #expect(turn.intent == "rejection-unpaid")
        #expect(turn.replies.contains { $0.hasPrefix("Prolific:") })
        #expect(!turn.replies.contains(FollowUpMessage.askPlatform.text(in: .en)))
        #expect(turn.state.followUp == nil)
    }

    /// A new question after a follow-up question is answered as a question, not read as the reply.
    @Test func aNewQuestionIsNotTakenForTheReply() {
        let turns = talk(["how do I join a union", "my payment from Clickworker still hasn't arrived after three weeks"])
        #expect(turns[1].intent == "pay-missing")
        #expect(turns[1].state.followUp != "union-join")
    }

    /// Found trying the helpline as a worker would: after "which platform?", a short French message about a
    /// blocked Prolific payment was read as the reply and got the English Prolific part of the rejection answer.
    @Test func aShortNewQuestionInAnotherLanguageIsNotTakenForTheReply() {
        let turns = talk(["my work was rejected and I was not paid", "Prolific a bloqué mon paiement"])
        #expect(turns[0].state.followUp == "rejection-unpaid")
        #expect(turns[1].intent != "rejection-unpaid", "read as the reply: \(turns[1].replies)")
        // Matched as a message of its own: answered on pay, or asked to choose with a pay topic among the choices.
        let pay: Set = ["pay-method", "pay-missing"]
        #expect(pay.contains(turns[1].intent ?? "")
                || (turns[1].decision == .clarify && !pay.isDisjoint(with: turns[1].state.pendingChoices)),
                "\(turns[1].decision.map { "\($0)" } ?? "-") \(String(describing: turns[1].intent)) \(turns[1].state.pendingChoices)")
        #expect(turns[1].state.language == "fr")
        #expect(turns[1].state.platform == "prolific")
    }

    /// A reply that only names the platform, in another language than the answer's, is still the reply, and is
    /// answered in the reply's language.
    @Test func theReplyInAnotherLanguageGetsThatLanguage() throws {
        let turns = talk(["my work was rejected and I was not paid", "c'est sur Prolific, je travaille dessus depuis deux ans"])
        #expect(turns[1].intent == "rejection-unpaid")
        #expect(turns[1].state.language == "fr")
        let part = try #require(engine.answers["rejection-unpaid"]?.answers[.fr]?.answer(about: "prolific"))
        #expect(turns[1].replies.first == part)
        #expect(turns[1].replies.last == FollowUpMessage.orVolunteer.text(in: .fr))
    }

    /// Replies to "which country and platform?" as workers write them, in the five languages: each is the reply
    /// (the union answer's follow-up), however many other words come with the names.
    static let replies = [
        "I'm in Kenya", "Kenya, I work on Remotasks", "mostly mturk, been doing it for 3 years",
        "I work on Prolific from Nigeria", "it was on appen", "mostly clickworker",
        "I'm from the Philippines and I use Remotasks and Outlier", "on prolific, its my main income",
        "je suis en France, je bosse sur Clickworker", "c'est sur Prolific, je travaille dessus depuis deux ans",
        "Appen, depuis le Maroc", "surtout sur mturk",
        "estoy en Venezuela, trabajo en Remotasks", "en Colombia, uso Appen y Toloka",
        "es en prolific, llevo dos años ahí",
        "sou do Brasil, trabalho na Appen", "estou em Portugal e uso a Prolific",
        "na clickworker, faz um ano que trabalho lá",
        "أنا في مصر وأشتغل على Remotasks", "من سوريا، أعمل على Appen",
    ]

    /// Each is the reply, or (where its other words read as another topic) the worker is asked which they meant,
    /// with the union answer among the choices; and what it named is kept.
    @Test(arguments: replies)
    func aReplyWithOtherWordsIsStillTheReply(_ reply: String) {
        let turns = talk(["how do I join a union", reply])
        #expect(turns[0].state.followUp == "union-join")
        let asked = turns[1].decision == .clarify && turns[1].state.pendingChoices.first == "union-join"
        #expect((turns[1].intent == "union-join" && turns[1].decision == .answer) || asked,
                "\(turns[1].decision.map { "\($0)" } ?? "-") \(turns[1].intent ?? "-")")
        #expect(turns[1].state.country != nil || turns[1].state.platform != nil)
    }

    /// Of the replies above, only one reads as another topic enough to be asked about: the others are the reply.
    @Test func mostRepliesAreTakenAsTheReplyWithoutAsking() {
        let asked = Self.replies.filter { talk(["how do I join a union", $0])[1].decision == .clarify }
        #expect(asked.count <= 1, "asked about: \(asked)")
    }

    /// A reply that may be a new question: asked which, and picking the union answer gives the groups for what
    /// it named, without asking for it again.
    @Test func anAmbiguousReplyIsAskedAboutAndEitherChoiceLeadsSomewhere() throws {
        let turns = talk(["how do I join a union", "estou sem tarefas na appen há dias"])
        #expect(turns[1].decision == .clarify)
        #expect(turns[1].state.pendingChoices == ["union-join", "work-none"])
        #expect(turns[1].state.platform == "appen" && turns[1].state.language == "pt")
        let union = engine.respond(to: "1", state: turns[1].state)
        #expect(union.intent == "union-join")
        // The platform is known: only the country is asked for now.
        #expect(union.replies.last == FollowUpMessage.askCountry.text(in: .pt))
        #expect(union.state.followUp == "union-join" && union.state.platform == "appen")
        let work = engine.respond(to: "2", state: turns[1].state)
        #expect(work.intent == "work-none")
    }

    /// New questions that name a platform, asked right after "which country and platform?": each is matched as a
    /// message of its own, not read as the reply (which answered "nothing specific for Appen" to a worker
    /// without tasks).
    static let newQuestions = [
        "my payment from Clickworker still hasn't arrived after three weeks",
        "Appen hasn't given me any tasks for days", "Prolific banned my account without a reason",
        "remotasks is asking me to pay a fee to unlock tasks", "mturk rejected all my hits today",
        "Prolific a bloqué mon paiement", "je n'ai plus de tâches sur Appen depuis une semaine",
        "Clickworker a fermé mon compte",
        "no tengo tareas en appen desde hace días", "remotasks no me paga desde hace un mes",
        "me suspendieron la cuenta de toloka",
        "estou sem tarefas na appen há dias", "a prolific não pagou meu bônus",
        "minha conta na clickworker foi bloqueada",
        "حسابي في Remotasks انقفل", "ما وصلني الدفع من Clickworker",
    ]

    @Test(arguments: newQuestions)
    func aNewQuestionNamingAPlatformIsNotTheReply(_ question: String) {
        let turns = talk(["how do I join a union", question])
        // Matched as a message of its own, or the worker is asked whether it was the reply: never taken for it.
        let asked = turns[1].decision == .clarify && turns[1].state.pendingChoices.count >= 2
        #expect(turns[1].intent != "union-join" || asked,
                "\(turns[1].decision.map { "\($0)" } ?? "-") \(turns[1].intent ?? "-") \(turns[1].replies.first ?? "")")
    }

    /// A reply that names nothing is a new message; the question is not repeated forever.
    @Test func aReplyThatNamesNothingIsMatchedAsUsual() {
        let turns = talk(["how do I join a union", "thanks"])
        #expect(turns[1].intent == "thanks")
        #expect(turns[1].state.followUp == nil)
    }

    /// Safety first, in every state: a crisis message after a follow-up question is a crisis.
    @Test func aCrisisAfterTheQuestionIsACrisis() {
        let turns = talk(["how do I join a union", "i'm in kenya and i want to kill myself"])
        #expect(turns[1].intent == "crisis")
        #expect(turns[1].escalation?.urgent == true)
        #expect(turns[1].state.followUp == nil)
    }
}

extension Answer {
    /// The test's own reading of a platform's part: the `more` lines that start with its name.
    func answer(about platform: String) -> String? {
        guard let more, let name = Platform.named(platform)?.name else { return nil }
        let lines = more.split(separator: "\n").filter { $0.hasPrefix(name) }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}

/// An answer the worker answers with "human" did not help: the question goes to the gap report.
@Suite struct UnhelpfulAnswerTests {
    @Test func askingForAPersonRightAfterAnAnswerMarksItUnhelpful() throws {
        let engine = try AnswerLibrary.load(directory: HelplineEngineTests.intents).engine()
        let answered = engine.respond(to: "I want to talk to a human", state: ConversationState())
        #expect(answered.unhelpful == nil)
        let question = "how do i join a union"
        let first = engine.respond(to: question, state: ConversationState())
        #expect(first.intent == "union-join")
        #expect(first.state.answeredQuestion == question)
        let human = engine.respond(to: "human", state: first.state)
        #expect(human.intent == "human" && human.unhelpful == question)
        #expect(human.state.answeredQuestion == nil)
        // One message later it is no longer about that answer.
        let later = engine.respond(to: "human", state: engine.respond(to: "thanks", state: first.state).state)
        #expect(later.unhelpful == nil)
    }
}

/// The helpline's own commands are read by the cues, not by the learned net: a learned net that took "forget
/// me" for a farewell stopped every erasure (found by the test suite the day the net came).
@Suite struct CommandsAndTheLearnedNetTests {
    @Test func aCommandIsNotReadByTheLearnedNetButACueStillFires() throws {
        var cues = CrisisCues()
        cues.alone = [Cue(pattern: try CuePattern("kill* myself"), language: .en, file: "t", line: 1)]
        // A net that learned "forget me" as a crisis, on purpose.
        let learned = try #require(LearnedRisk(
            crisis: [("forget me, goodbye", .en), ("please forget me forever", .en), ("forget me all of you", .en)],
            other: ["my payment is late", "how do i appeal", "thanks", "hello", "where is my bonus", "help"],
            threshold: 0.5))
        let net = SafetyNet(detector: RiskDetector(cues: cues), directory: CrisisDirectory(), learned: learned)
        // The net learned it (the test would prove nothing otherwise); two words are under the net's minimum, and
        // a command is not given to the net in any case.
        #expect((learned.assess("please forget me")?.probability ?? 0) >= 0.5)
        #expect(HelplineEngine.risk("forget me", safety: net) == nil)
        #expect(HelplineEngine.risk("forget me, goodbye forever", safety: net) != nil, "not a command: the net reads it")
        #expect(HelplineEngine.risk("human, i want to kill myself", safety: net) != nil, "the cues read everything")
    }
}
