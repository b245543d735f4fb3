public import CaseTracker
public import IntentMatcher
public import SafetyNet

/// What the engine decided for one message: the replies, the conversation's next state, and
/// whether the worker asked to be erased.
public struct EngineOutcome: Sendable, Equatable {
    public var replies: [String]
    public var state: ConversationState
    public var eraseWorker: Bool
    /// The matcher's decision, for statistics and gaps (nil for worker commands).
    public var decision: Decision?
    public var intent: String?
    /// A person should take over: the topic for the volunteers, and whether it is urgent.
    public var escalation: Escalation?
    /// The question whose answer did not help (the worker asked for a person right after it), for the
    /// operators' gap report and `intents learn`.
    public var unhelpful: String?

    public struct Escalation: Sendable, Equatable {
        public var topic: String
        public var urgent: Bool
    }

    public init(
        replies: [String], state: ConversationState, eraseWorker: Bool = false, decision: Decision? = nil,
        intent: String? = nil, escalation: Escalation? = nil
    ) {
        self.replies = replies
        self.state = state
        self.eraseWorker = eraseWorker
        self.decision = decision
        self.intent = intent
        self.escalation = escalation
    }
}

/// One message in, decisions out. Pure: no I/O, no clock, so every path is a unit test.
public struct HelplineEngine: Sendable {
    public let answers: AnswerSet
    public let matcher: Matcher
    /// Read before anything else, on every message, in every state.
    public let safety: SafetyNet
    /// The language used before anything is known about the worker.
    public let defaultLanguage: Language
    /// The groups to point to when a worker answers "which country?".
    public let referrals: ReferralDirectory
    /// How much of an answered question is remembered until the next message (see `answeredQuestion`).
    static let rememberedQuestionCharacters = 300
    /// Longer messages are matched on their beginning only (the matcher's work stays bounded).
    public static let matchedPrefixCharacters = 2_000
    /// The intent whose answer the crisis path gives; only the safety net opens it.
    public static let crisisIntent = "crisis"
    /// A reply of at most this many words that names no country keeps the crisis answer's country question open.
    static let shortReplyWords = 3

    public init(answers: AnswerSet, matcher: Matcher, safety: SafetyNet, defaultLanguage: Language = .en,
                referrals: ReferralDirectory = ReferralDirectory()) {
        self.answers = answers
        self.matcher = matcher
        self.safety = safety
        self.defaultLanguage = defaultLanguage
        self.referrals = referrals
    }

    public func respond(to rawText: String, state previous: ConversationState) -> EngineOutcome {
        respond(to: rawText, state: previous, alarm: risk(rawText))
    }

    /// The same, with the safety net's verdict already known (the helpline reads it once per message,
    /// before deciding whether the bot may speak at all).
    public func respond(to rawText: String, state previous: ConversationState, alarm: RiskAssessment?) -> EngineOutcome {
        var state = previous
        let text = TextNormalizer.cleanForDisplay(rawText)
        let language = { Language(rawValue: state.language ?? "") ?? defaultLanguage }

        guard !text.isEmpty else {
            return EngineOutcome(replies: [SystemMessage.emptyMessage.text(in: language())], state: state)
        }
        // First, and apart from matching: a message that may be a crisis never gets a menu or the fallback.
        if let alarm {
            state.followUp = nil  // after a crisis, a country named is for the crisis line, not a union list
            return crisis(alarm, text: text, state: state)
        }
        if state.awaitingCountry == true {
            if let country = safety.directory.country(namedIn: text) {
                state.awaitingCountry = false
                state.country = country.code
                return EngineOutcome(replies: [CrisisMessage.lines(of: country, in: language())], state: state, intent: "crisis")
            }
            // The crisis answer asks two things, whether the worker is safe and where they are, and a worker may
            // answer the first first ("yes I'm safe", "non"), or ask for "more" of the answer: a short reply that
            // names no country leaves the question open, so the country named next still gets its lines. A
            // longer message is about something else and ends the wait.
            if WorkerCommand.parse(text, choices: state.pendingChoices.count) != .more
                && TextNormalizer.words(text).count > Self.shortReplyWords {
                state.awaitingCountry = false
            }
        }
        let followUp = state.followUp
        state.followUp = nil
        let answeredQuestion = state.answeredQuestion
        state.answeredQuestion = nil
        if let command = WorkerCommand.parse(text, choices: state.pendingChoices.count) {
            var outcome = perform(command, state: state)
            if command == .human { outcome.unhelpful = answeredQuestion }
            return outcome
        }

        let truncated = text.count > Self.matchedPrefixCharacters
        var match = matcher.match(String(text.prefix(Self.matchedPrefixCharacters)), language: chosenLanguage(state))
        if let followUp, let outcome = self.followUp(followUp, reply: text, match: match, state: state) {
            return outcome
        }
        // The crisis rule lives in one place, the safety net's cues: a message they did not flag is not
        // answered as a crisis because its words resemble the crisis examples ("kill the script").
        // Such a message is a gap to look at in the cues, not an urgent case.
        match.alternatives.removeAll { $0.intent == Self.crisisIntent }
        if match.intent == Self.crisisIntent {
            match.intent = nil
            match.decision = .fallback
        }
        if !state.languageChosen, let detected = match.language { state.language = detected.rawValue }
        // A question that names its platform ("Prolific rejected my study") gets that platform's part at once.
        if let platform = Platform.mentioned(in: text) { state.platform = platform.id }
        var outcome: EngineOutcome
        switch match.decision {
        case .answer, .escalate:
            outcome = answer(intent: match.intent, state: state)
        case .clarify:
            outcome = clarify(match, state: state)
        case .fallback:
            state.pendingChoices = []
            state.failedClarifications = 0
            outcome = EngineOutcome(replies: [SystemMessage.fallback.text(in: language())], state: state)
        }
        if truncated { outcome.replies.insert(SystemMessage.tooLong.text(in: language()), at: 0) }
        outcome.decision = match.decision
        if outcome.intent == nil { outcome.intent = match.intent }
        if Self.answeredTopic(outcome) {
            outcome.state.answeredQuestion = String(text.prefix(Self.rememberedQuestionCharacters))
        } else if outcome.intent == "human" {
            outcome.unhelpful = answeredQuestion
        }
        return outcome
    }

    /// Whether the message may be a crisis; the helpline also asks before a rate limit refuses a message.
    /// One of the helpline's own commands ("forget me", "stop", "human") is read by the cues but not by the
    /// learned net: it read "forget me" and "esqueçam-me" as farewells, and the erasure a worker asked for never
    /// happened.
    public func risk(_ text: String) -> RiskAssessment? {
        Self.risk(text, safety: safety)
    }

    public static func risk(_ text: String, safety: SafetyNet) -> RiskAssessment? {
        let isCommand = WorkerCommand.parse(TextNormalizer.cleanForDisplay(text), choices: 0) != nil
        return safety.assess(text, learning: !isCommand)
    }

    /// The crisis answer in the worker's language, their country's line (or the question, once), and an
    /// urgent case. Arabizi is answered in Arabic: its cues are Arabic ones, whatever letters carry them.
    private func crisis(_ alarm: RiskAssessment, text: String, state previous: ConversationState) -> EngineOutcome {
        var state = previous
        let language: Language
        if let chosen = chosenLanguage(state) {
            language = chosen
        } else {
            language = alarm.language == .ar ? .ar : (matcher.detectLanguage(text) ?? alarm.language)
            state.language = language.rawValue
        }
        var replies: [String] = []
        if let intent = answers["crisis"], let (answer, _) = intent.answer(in: language) {
            replies.append(answer.short)
        } else {
            replies.append(CrisisMessage.fallbackAnswer(in: language))
        }
        if let code = state.country, let country = safety.directory.country(code: code) {
            replies.append(CrisisMessage.lines(of: country, in: language))
        } else if state.awaitingCountry == nil {
            replies.append(CrisisMessage.askCountry(in: language))
            state.awaitingCountry = true
        }
        state.pendingChoices = []
        state.failedClarifications = 0
        state.awaitingVolunteer = true
        state.lastIntent = answers["crisis"] == nil ? state.lastIntent : "crisis"
        return EngineOutcome(
            replies: replies, state: state, decision: .escalate, intent: "crisis",
            escalation: .init(topic: "crisis", urgent: true))
    }

    private func chosenLanguage(_ state: ConversationState) -> Language? {
        state.languageChosen ? Language(rawValue: state.language ?? "") : nil
    }

    private func perform(_ command: WorkerCommand, state previous: ConversationState) -> EngineOutcome {
        var state = previous
        let language = Language(rawValue: state.language ?? "") ?? defaultLanguage
        switch command {
        case .help:
            return answer(intent: "help", state: state)
        case .human:
            return answer(intent: "human", state: state)
        case .choice(let number):
            let intent = state.pendingChoices[number - 1]
            return answer(intent: intent, state: state)
        case .more:
            if let id = state.lastIntent, let intent = answers[id], let (answer, _) = intent.answer(in: language),
                let more = answer.more
            {
                return EngineOutcome(replies: [more], state: state)
            }
            return EngineOutcome(replies: [SystemMessage.noMore.text(in: language)], state: state)
        case .language(let chosen):
            state.language = chosen.rawValue
            state.languageChosen = true
            return EngineOutcome(replies: [SystemMessage.languageSet.text(in: chosen)], state: state)
        case .forgetMe:
            // Told what goes (and what no one can erase) before the confirmation; both leave
            // in the same commit as the erasure, in this order.
            return EngineOutcome(
                replies: [SystemMessage.erasing.text(in: language), SystemMessage.erased.text(in: language)],
                state: ConversationState(), eraseWorker: true)
        case .stop:
            state.pendingChoices = []
            state.lastIntent = nil
            return EngineOutcome(replies: [SystemMessage.stopped.text(in: language)], state: state)
        }
    }

    private func answer(intent id: String?, state previous: ConversationState) -> EngineOutcome {
        var state = previous
        let language = Language(rawValue: state.language ?? "") ?? defaultLanguage
        guard let id, let intent = answers[id], let (answer, answered) = intent.answer(in: language) else {
            return EngineOutcome(replies: [SystemMessage.fallback.text(in: language)], state: state)
        }
        var replies: [String] = []
        if answered != language { replies.append(SystemMessage.englishOnly.text(in: language)) }
        replies.append(answer.more == nil ? answer.short : answer.short + " " + SystemMessage.moreHint.text(in: language))
        replies += knownParts(of: intent, state: state, language: language)
        // Once per conversation, when the worker starts describing their work: no names needed.
        if Self.describesWork(id), state.ndaReminded != true {
            replies.append(SystemMessage.ndaReminder.text(in: language))
            state.ndaReminded = true
        }
        state.lastIntent = id
        state.pendingChoices = []
        state.failedClarifications = 0
        if let question = followUpQuestion(intent, state: state, language: language) {
            replies.append(question)
            state.followUp = id
        }
        var escalation: EngineOutcome.Escalation?
        if intent.escalate == .always || intent.escalate == .urgent {
            state.awaitingVolunteer = true
            escalation = .init(topic: Self.caseTopic(id, previous: previous.lastIntent), urgent: intent.escalate == .urgent)
        }
        return EngineOutcome(replies: replies, state: state, decision: .answer, intent: id, escalation: escalation)
    }

    // MARK: - Follow-ups

    /// The question an answer asks next (`asks:` in its file), skipping what the worker already told.
    /// Nil when there is nothing to ask: then the next message is a new question.
    private func followUpQuestion(_ intent: Intent, state: ConversationState, language: Language) -> String? {
        let country = intent.asks.contains(.country) && state.country == nil
        let platform = intent.asks.contains(.platform) && state.platform == nil
        switch (country, platform) {
        case (true, true): return FollowUpMessage.askCountryAndPlatform.text(in: language)
        case (true, false): return FollowUpMessage.askCountry.text(in: language)
        case (false, true): return FollowUpMessage.askPlatform.text(in: language)
        case (false, false): return nil
        }
    }

    /// The worker's reply to a follow-up question, when it is one: it names a country or a platform the
    /// question was about, and the matcher does not read it as a clear question on another topic ("my
    /// Prolific study was rejected" after "which platform?" is a new question). Leads to the groups in that
    /// country (referral directory) and the answer's part about that platform, or to a volunteer.
    func followUp(_ id: String, reply text: String, match: Match, state previous: ConversationState) -> EngineOutcome? {
        guard let intent = answers[id] else { return nil }
        let asksCountry = intent.asks.contains(.country)
        let asksPlatform = intent.asks.contains(.platform)
        let country = asksCountry ? safety.directory.country(namedIn: text) : nil
        let platform = asksPlatform ? Platform.mentioned(in: text) : nil
        guard country != nil || platform != nil else { return nil }
        // Without the names it gave, does the reply still ask something else? "je suis en France, je bosse sur
        // Clickworker" leaves nothing; "my payment from Clickworker never arrived" leaves a question on pay.
        // Every platform named is taken out, even when several leave none to keep ("Remotasks and Outlier").
        let named = asksPlatform ? Platform.allMentioned(in: text) : []
        let rest = Self.removing(names: (country?.names ?? []) + named.flatMap(\.aliases), from: text)
        let reading = readReply(rest, after: intent, language: match.language)
        if case .newQuestion = reading { return nil }

        var state = previous
        // A reply in another language than the conversation's (and the worker did not choose one) is answered in
        // the reply's, as any other message is: "c'est sur Prolific" after an English answer gets French. Read
        // without the names: "Prolific" alone says nothing of the worker's language.
        if !state.languageChosen, let detected = matcher.detectLanguage(rest) { state.language = detected.rawValue }
        let language = Language(rawValue: state.language ?? "") ?? defaultLanguage
        if let country { state.country = country.code }
        if let platform { state.platform = platform.id }
        if case .either(let other) = reading {
            // What it named is kept either way: picking `id` gives its answer with the parts for them.
            var choice = match
            choice.intent = id
            choice.alternatives = [ScoredIntent(intent: other.intent, score: other.score)]
            var outcome = clarify(choice, state: state)
            outcome.decision = .clarify
            if outcome.intent == nil { outcome.intent = id }  // a hand-over to a person says "human"
            return outcome
        }
        var replies = knownParts(of: intent, state: state, language: language)
        if let platform, replies.isEmpty || (asksCountry && state.country == nil) {
            replies.insert(FollowUpMessage.nothingForPlatform(platform.name).text(in: language), at: 0)
        }
        replies.append(FollowUpMessage.orVolunteer.text(in: language))
        return EngineOutcome(replies: replies, state: state, decision: .answer, intent: id)
    }

    /// What the worker already told makes of an answer that asks: its part about their platform (the `more`
    /// paragraphs that start with the platform's name), and the groups for their country and platform.
    private func knownParts(of intent: Intent, state: ConversationState, language: Language) -> [String] {
        var parts: [String] = []
        if intent.asks.contains(.platform), let platform = state.platform.flatMap(Platform.named),
            let paragraphs = intent.answer(in: language)?.answer.paragraphs(about: platform), !paragraphs.isEmpty
        {
            parts.append(paragraphs.joined(separator: "\n"))
        }
        if intent.asks.contains(.country), let code = state.country {
            let name = safety.directory.countries.first { $0.code == code }?.displayName ?? code
            let groups = referrals.referrals(country: code, platform: state.platform, topic: intent.id)
            parts.append(FollowUpMessage.referrals(groups, countryCode: code, countryName: name).text(in: language))
        }
        return parts
    }

    /// How the worker's reply to a follow-up question reads, once the names it gave are taken out.
    enum ReplyReading: Equatable {
        /// The answer to the question (with or without other words: "je suis en France, je bosse sur Clickworker").
        case reply
        /// A question of its own that happens to name a platform or a country: matched as any message is.
        case newQuestion
        /// Could be either: the worker is asked which (`other` is the topic the rest reads as).
        case either(ScoredIntent)
    }

    /// Whether what is left of a reply once the names it gave are taken out (`rest`) asks something else than
    /// `intent`: the matcher reads it, on its own, as another topic (not `intent`, one of its related intents,
    /// crisis, or the conversation itself), with two words that mean something or more:
    /// - answered (or escalated) at `strongAnswerFactor` times the answer threshold or more: a new question.
    ///   "Prolific a bloqué mon paiement" leaves "bloqué paiement" (pay-method, 0.37 against 0.16);
    /// - answered at `eitherAnswerFactor` times the threshold or more, but less than the above: either, and the
    ///   worker is asked. "estou sem tarefas na appen há dias" leaves "sem tarefas há dias" (work-none 0.29
    ///   against 0.175), "no me paga desde hace un mes" (pay-missing 0.23): taken for the reply, they got
    ///   "nothing specific for Appen" and their question was lost; but "on prolific, its my main income" leaves
    ///   "its my main income" (tax-self-employed 0.23), a reply. Under that factor, the filler of a reply scores
    ///   ("mostly been doing it for 3 years": work-none 0.19; "c'est sur Prolific, je travaille dessus depuis
    ///   deux ans": 0.16), and the reply is the likelier right after the question;
    /// - or asked to choose among topics none of which is `intent` or related, with `newQuestionWords` or more:
    ///   a new question.
    /// The factors were chosen on the conversations of `FollowUpTests` (20 replies and 16 new questions in the
    /// five languages, 2026-12-07): with 2 alone, 3 of the new questions were taken for the reply; with 1.25
    /// and 2, none is, and one reply of the 20 is asked about.
    func readReply(_ rest: String, after intent: Intent, language: Language?) -> ReplyReading {
        let words = matcher.contentWordCount(rest)
        guard words >= 2 else { return .reply }
        let remainder = matcher.match(rest, language: language)
        func otherTopic(_ other: String) -> Bool {
            other != intent.id && other != Self.crisisIntent && !intent.related.contains(other)
                && !Self.conversational.contains(other)
        }
        switch remainder.decision {
        case .answer, .escalate:
            guard let other = remainder.intent, otherTopic(other) else { return .reply }
            if remainder.score >= Self.strongAnswerFactor * matcher.answerThreshold { return .newQuestion }
            if remainder.score >= Self.eitherAnswerFactor * matcher.answerThreshold {
                return .either(ScoredIntent(intent: other, score: remainder.score))
            }
            return .reply
        case .clarify:
            return words >= Self.newQuestionWords && !remainder.alternatives.isEmpty
                && remainder.alternatives.allSatisfy { otherTopic($0.intent) } ? .newQuestion : .reply
        case .fallback:
            return .reply
        }
    }

    /// How many words that mean something a remainder must have for a choice among other topics to make it a
    /// new question ("my payment from Clickworker never arrived" leaves three).
    static let newQuestionWords = 3
    /// How far above the answer threshold a remainder must score to be a new question, or to be asked about.
    static let strongAnswerFactor = 2.0
    static let eitherAnswerFactor = 1.25

    /// The normalised text without these names (whole words, normalised the same way).
    static func removing(names: [String], from text: String) -> String {
        var words = TextNormalizer.words(text)
        for name in names.map(TextNormalizer.normalize).filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) {
            let parts = name.split(separator: " ").map(String.init)
            var index = 0
            while index + parts.count <= words.count {
                if Array(words[index..<(index + parts.count)]) == parts {
                    words.removeSubrange(index..<(index + parts.count))
                } else {
                    index += 1
                }
            }
        }
        return words.joined(separator: " ")
    }

    /// Intents that are the conversation itself, not what it is about.
    static let conversational: Set<String> = ["greeting", "goodbye", "help", "human", "thanks"]

    /// What a case is about, for the volunteer who picks it: the last topic the worker was answered on
    /// ("pay-missing"), not the request for a person that opened it.
    static func caseTopic(_ escalating: String, previous: String?) -> String {
        guard escalating == "human" || escalating == "unclear", let previous, !conversational.contains(previous) else { return escalating }
        return previous
    }

    /// Whether an outcome answered a question on a topic (not a greeting, a menu or the fallback).
    public static func answeredTopic(_ outcome: EngineOutcome) -> Bool {
        outcome.decision == .answer && outcome.intent.map { !conversational.contains($0) && $0 != crisisIntent } == true
    }

    /// Topics where a worker describes a task, a requester or a client.
    static func describesWork(_ intent: String) -> Bool {
        ["rejection-", "pay-", "rights-deactivation", "rights-nda", "rights-data-access"].contains { intent.hasPrefix($0) }
    }

    /// A short question with numbered choices, labelled by each intent's first example in the
    /// worker's language (the way workers themselves put it).
    private func clarify(_ match: Match, state previous: ConversationState) -> EngineOutcome {
        var state = previous
        let language = Language(rawValue: state.language ?? "") ?? defaultLanguage
        let candidates = ([match.intent].compactMap { $0 } + match.alternatives.map(\.intent)).reduce(into: [String]()) {
            if !$0.contains($1), answers[$1] != nil { $0.append($1) }
        }.prefix(3)
        guard candidates.count >= 2 else { return answer(intent: candidates.first, state: state) }
        // Two questions in a row did not get us there: a person does better than a third.
        if state.failedClarifications >= 2 {
            var handover = answer(intent: "human", state: state)
            handover.escalation = .init(topic: Self.caseTopic("unclear", previous: previous.lastIntent), urgent: false)
            return handover
        }
        let lines = candidates.enumerated().map { index, id -> String in
            let label = answers[id]?.examples[language]?.first ?? answers[id]?.examples[.en]?.first ?? id
            return "\(index + 1). \(label)"
        }
        state.pendingChoices = Array(candidates)
        state.failedClarifications += 1
        let question = ([SystemMessage.clarify.text(in: language)] + lines).joined(separator: "\n")
        return EngineOutcome(replies: [question], state: state)
    }
}
