public import CaseTracker
public import Foundation
public import IntentMatcher
public import Logging
import SafetyNet
import Synchronization

/// Wires the engine to the store: a channel hands messages in, the engine turns stored messages
/// into stored replies, a channel takes replies out. Every step is a committed transaction.
public final class Helpline: Sendable {
    public let store: CaseStore
    public let library: AnswerLibrary
    /// Internal, not private: extensions in other files of the module (one per concern) use them.
    let pseudonymizer: Pseudonymizer
    let defaultLanguage: Language
    let logger: Logger
    public let policy: CasePolicy
    /// Per-worker message rate limit; nil reads everything (the operator's own terminal, tests).
    public let rateLimit: SenderRateLimit?
    /// Where volunteers are told about cases; nil when no volunteers' channel is configured
    /// (they then use `entraide cases` on the server).
    public let volunteers: VolunteerRouting?
    /// Which nick each logged-in volunteer uses now, for relaying a worker's words to the claimant.
    public let presence = VolunteerPresence()
    /// Whether the store takes writes now (disk full…), for logs and the health endpoint.
    public let storeHealth = StoreHealth()
    /// Rung when a message is stored: the engine service wakes up.
    public let inboxBell = Doorbell()
    private let outboxBells = Mutex<[String: Doorbell]>([:])
    /// Bytes of a message kept; longer ones are cut on a character boundary (a 1 MiB paste
    /// must not fill the store or slow the matcher).
    public static let maxMessageBytes = 16 * 1024

    public init(
        store: CaseStore, library: AnswerLibrary, pseudonymizer: Pseudonymizer, defaultLanguage: Language,
        logger: Logger, policy: CasePolicy = CasePolicy(), volunteers: VolunteerRouting? = nil,
        rateLimit: RateLimitPolicy? = nil
    ) {
        self.policy = policy
        self.rateLimit = rateLimit.map(SenderRateLimit.init(policy:))
        self.volunteers = volunteers
        self.store = store
        self.library = library
        self.pseudonymizer = pseudonymizer
        self.defaultLanguage = defaultLanguage
        self.logger = logger
    }

    /// Commits a message from a channel. Only after this returns may the channel acknowledge it.
    /// A message from a worker over the rate limit is acknowledged but not read (`.refused`).
    public func receive(_ message: InboundMessage, at now: Date = Date()) throws -> ReceiveOutcome {
        try storeHealth.watch(logger, wrote: { $0 != .duplicate }) { try receiveUnwatched(message, at: now) }
    }

    private func receiveUnwatched(_ message: InboundMessage, at now: Date) throws -> ReceiveOutcome {
        let (message, pseudonym) = prepared(message)
        if let refusal = try refusal(of: pseudonym, text: message.text, at: now) {
            let outcome = try store.refuse(message, pseudonym: pseudonym, notice: refusal.notice, at: now)
            if refusal.notice != nil { outboxBell(for: message.channel).ring() }
            logger.info("message.refused", metadata: ["worker": "\(pseudonym)", "reason": "rate-limit"])
            return outcome
        }
        let outcome = try store.receive(message, pseudonym: pseudonym, at: now)
        if case .stored = outcome { inboxBell.ring() }
        // Never the text or the address at info level: only the pseudonym and the channel.
        logger.debug("message.received", metadata: ["worker": "\(pseudonym)", "channel": "\(message.channel)"])
        return outcome
    }

    /// What to tell a worker whose message could not be stored, on a channel that cannot ask
    /// again later (IRC has no acknowledgement): in their language when it shows.
    public func unavailableNotice(for text: String) -> String {
        SystemMessage.unavailable.text(in: library.snapshot.matcher.detectLanguage(text) ?? defaultLanguage)
    }

    /// What every channel's message goes through before it is stored: the size cap, identifiers
    /// masked (a pasted e-mail, phone number or platform id never reaches the store or a
    /// volunteer), and the pseudonym.
    func prepared(_ message: InboundMessage) -> (InboundMessage, pseudonym: String) {
        var message = message
        message.text = IdentifierMask.mask(Self.capped(VisibleControls.show(message.text)))
        return (message, pseudonymizer.pseudonym(channel: message.channel, address: message.address))
    }

    /// nil when the message is to be read; otherwise the refusal, with a notice the first time in a while.
    /// A message that may be a crisis is always read, however fast the worker writes.
    func refusal(of pseudonym: String, text: String, at now: Date) throws -> Refusal? {
        guard let rateLimit, case .refuse(let tell) = rateLimit.admit(pseudonym, at: now) else { return nil }
        if HelplineEngine.risk(text, safety: library.snapshot.safety) != nil {
            logger.info("message.admitted_over_limit", metadata: ["worker": "\(pseudonym)", "reason": "crisis"])
            return nil
        }
        guard tell else { return Refusal(notice: nil) }
        let language = try store.conversation(of: pseudonym).language.flatMap(Language.init(rawValue:)) ?? defaultLanguage
        return Refusal(notice: SystemMessage.slowDown.text(in: language))
    }

    /// Runs the engine over every stored, unprocessed message. Returns how many it handled.
    @discardableResult
    public func processPending() throws -> Int {
        try storeHealth.watch(logger, wrote: { $0 > 0 }) { try processPendingUnwatched() }
    }

    /// How many inbox rows one engine transaction handles at most.
    static let engineBatch = 100

    /// One write transaction per batch of up to 100 messages (`CaseStore.processInbox`): all a message leads to
    /// commits together, and durability `full` costs one sync per batch, not several per message.
    private func processPendingUnwatched() throws -> Int {
        var handled = 0
        while true {
            let snapshot = library.snapshot
            let engine = snapshot.engine(defaultLanguage: defaultLanguage)
            let count = try store.processInbox(limit: Self.engineBatch) { transaction, item in
                try handle(item, engine: engine, in: transaction)
            }
            handled += count
            // Fewer than a page: nothing older waits (what arrives later rings the inbox bell again).
            if count < Self.engineBatch {
                if handled > 0 { ringOutboxBells() }
                return handled
            }
        }
    }

    /// Everything one inbox message leads to, written through `store` (one savepoint of the batch's transaction).
    func handle(_ item: InboxItem, engine: HelplineEngine, in transaction: EngineTransaction) throws {
        let active = try transaction.activeCase(of: item.pseudonym)
        let alarm = engine.risk(item.text)
        var staff: [Announcement] = []
        // The one rule: while a volunteer holds the case, the bot only relays. Only an
        // erasure request is still the bot's to honour, and a crisis when the claimant is away.
        if let active, active.status == .claimed, !active.blocked,
            WorkerCommand.parse(item.text, choices: 0) != .forgetMe
        {
            let claimantConnected = active.claimedBy.flatMap(presence.nick(of:)) != nil
            if alarm == nil || claimantConnected {
                var notices = relayNotices(for: active, text: item.text)
                if alarm != nil { notices = try urgentOnClaimedCase(item, active, in: transaction) + notices }
                try transaction.relayToClaimant(item, caseID: active.id, announcements: notices)
                logger.info("message.relayed", metadata: ["worker": "\(item.pseudonym)", "case.id": "\(active.id)"])
                return
            }
            // In crisis with nobody at the other end: the worker gets the crisis answer, the channel an alarm.
            staff = try urgentOnClaimedCase(item, active, in: transaction)
            try transaction.appendWorkerMessage(item.text, to: active.id)
        }
        let state = try transaction.conversation(of: item.pseudonym)
        if active == nil, alarm == nil, try recordFeedback(item, state: state, in: transaction) {
            return
        }
        var outcome = engine.respond(to: item.text, state: state, alarm: alarm)
        if let active, active.status == .open, !outcome.eraseWorker {
            try transaction.appendWorkerMessage(item.text, to: active.id)
            if alarm == nil, !active.blocked, WorkerCommand.parse(item.text, choices: state.pendingChoices.count) == nil {
                waiting(on: active, outcome: &outcome, previous: state)
            }
        }
        // A blocked worker reaches no volunteer, except in a crisis.
        if let escalation = outcome.escalation, active?.blocked != true || escalation.urgent, !outcome.eraseWorker,
            active?.status != .claimed
        {
            try escalate(item, escalation, outcome: &outcome, alreadyOpen: active?.blocked == true ? nil : active, in: transaction)
        }
        if outcome.eraseWorker, let active, active.status != .closed {
            staff += leftNotices(for: active)
        }
        if alarm != nil { logger.info("crisis.alarm", metadata: ["worker": "\(item.pseudonym)"]) }
        // Questions the bot could not answer well are kept (text only) for the operators' gap report.
        let unanswered = outcome.decision.flatMap { decision in
            decision == .fallback || decision == .clarify
                ? UnansweredQuestion(text: item.text, language: outcome.state.language, decision: decision.rawValue)
                : nil
        } ?? outcome.unhelpful.map {
            UnansweredQuestion(text: $0, language: outcome.state.language, decision: UnansweredQuestion.unhelpful)
        }
        try transaction.complete(
            item, state: outcome.state, replies: outcome.replies, eraseWorker: outcome.eraseWorker,
            unanswered: unanswered, announcements: staff)
        logger.info(
            "message.handled",
            metadata: [
                "worker": "\(item.pseudonym)", "decision": "\(outcome.decision?.rawValue ?? "command")",
                "intent": "\(outcome.intent ?? "-")", "replies": "\(outcome.replies.count)",
            ])
    }

    /// A worker whose case waits writes again: a question on a topic still gets its answer, and every
    /// message is told where the request stands instead of a greeting, a menu or a second case.
    private func waiting(on active: HelplineCase, outcome: inout EngineOutcome, previous: ConversationState) {
        // The answer to "which country are you in?" is the crisis line itself: nothing replaces it.
        if previous.awaitingCountry == true, outcome.intent == HelplineEngine.crisisIntent { return }
        let language = Language(rawValue: outcome.state.language ?? active.language) ?? defaultLanguage
        let note = DeskMessage.waiting(caseID: active.id, connected: volunteers == nil ? nil : presence.nicks.count, in: language)
        if HelplineEngine.answeredTopic(outcome) {
            outcome.replies.append(note)
        } else {
            outcome.replies = [note]
            outcome.state.pendingChoices = []
            outcome.state.failedClarifications = previous.failedClarifications
        }
        if outcome.escalation?.urgent != true { outcome.escalation = nil }
    }

    /// The worker's "yes" or "no" to "did this help?", when that question is the last thing they were
    /// asked: recorded on the case as its outcome, and thanked. Anything else is a new message.
    private func recordFeedback(_ item: InboxItem, state: ConversationState, in transaction: EngineTransaction) throws -> Bool {
        guard let answer = FeedbackAnswer.parse(item.text),
            let closed = try transaction.caseAwaitingFeedback(of: item.pseudonym, inboxID: item.id, within: policy.feedbackWithin)
        else { return false }
        try transaction.recordFeedback(closed.id, answer: answer.rawValue)
        let language = Language(rawValue: state.language ?? closed.language) ?? defaultLanguage
        try transaction.complete(
            item, state: state, replies: [DeskMessage.feedbackThanks(helped: answer == .yes, in: language)], eraseWorker: false,
            unanswered: nil, announcements: [])
        logger.info("case.feedback", metadata: ["case.id": "\(closed.id)", "case.feedback": "\(answer.rawValue)"])
        return true
    }

    /// Opens (or finds) the worker's case, tells the volunteers, and tells the worker what happens next.
    private func escalate(
        _ item: InboxItem, _ escalation: EngineOutcome.Escalation, outcome: inout EngineOutcome, alreadyOpen: HelplineCase?,
        in transaction: EngineTransaction
    ) throws {
        let language = outcome.state.language ?? defaultLanguage.rawValue
        let routing = volunteers
        let (opened, isNew) = try transaction.openCase(
            pseudonym: item.pseudonym, channel: item.channel, language: language, topic: escalation.topic,
            urgent: escalation.urgent, reopenWithin: policy.reopenWithin
        ) { [presence] found, isNew in
            guard let routing else { return [] }
            return [Announcement(
                channel: routing.channel, target: routing.target,
                text: CaseNotices.opened(found, isNew: isNew, highlight: presence.highlights(for: found)))]
        }
        if alreadyOpen == nil { try transaction.appendWorkerMessage(item.text, to: opened.id) }
        logger.info(
            "case.escalated", metadata: ["case.id": "\(opened.id)", "case.new": "\(isNew)", "case.urgent": "\(opened.urgent)"])
        let workerLanguage = Language(rawValue: language) ?? defaultLanguage
        let minutes = try transaction.statistics().medianTimeToClaim.map { max(1, Int(($0 / 60).rounded())) }
        if escalation.urgent && (isNew || alreadyOpen?.urgent == false) {
            // Honest: is anyone there now (unknown without a volunteers' channel), and how long it usually takes.
            outcome.replies.append(CrisisMessage.availability(
                volunteersOnline: volunteers == nil ? nil : presence.nicks.count, medianMinutes: minutes, in: workerLanguage))
            return
        }
        guard isNew else { return }
        let next = SystemMessage.caseOpened.text(in: workerLanguage)
            .replacingOccurrences(of: "%@", with: "\(opened.id)")
            .replacingOccurrences(of: "%WAIT% ", with: SystemMessage.recentWait(minutes: minutes, in: workerLanguage).isEmpty
                ? "" : SystemMessage.recentWait(minutes: minutes, in: workerLanguage) + " ")
        outcome.replies.append(next)
    }

    /// A crisis on a case a volunteer holds: the case becomes urgent; the claimant is alerted by private
    /// message when connected, the channel otherwise. No words of the worker in the channel.
    private func urgentOnClaimedCase(_ item: InboxItem, _ held: HelplineCase, in transaction: EngineTransaction) throws
        -> [Announcement]
    {
        _ = try transaction.openCase(
            pseudonym: item.pseudonym, channel: item.channel, language: held.language, topic: held.topic, urgent: true,
            reopenWithin: policy.reopenWithin) { _, _ in [] }
        guard let routing = volunteers else { return [] }
        if let claimant = held.claimedBy, presence.nick(of: claimant) != nil {
            return [Announcement(
                channel: routing.channel, target: VolunteerRouting.target(forVolunteer: claimant),
                text: CaseNotices.crisisOnClaimedCase(held, claimantConnected: true))]
        }
        return [Announcement(channel: routing.channel, target: routing.target, text: CaseNotices.crisisOnClaimedCase(held, claimantConnected: false))]
    }

    /// "Forget me" on a case a volunteer may be reading: the claimant (or the channel) learns the worker left.
    private func leftNotices(for held: HelplineCase) -> [Announcement] {
        guard let routing = volunteers else { return [] }
        let target = held.claimedBy.flatMap { presence.nick(of: $0) == nil ? nil : VolunteerRouting.target(forVolunteer: $0) } ?? routing.target
        return [Announcement(channel: routing.channel, target: target, text: CaseNotices.workerLeft(caseID: held.id))]
    }

    /// A worker's words go to the claimant only, by private message; never to the channel.
    private func relayNotices(for held: HelplineCase, text: String) -> [Announcement] {
        guard let routing = volunteers else { return [] }
        if let claimant = held.claimedBy, presence.nick(of: claimant) != nil {
            // One line: a line break in the worker's text must not make a line that looks like the bot's.
            let flat = text.split(whereSeparator: \.isNewline).joined(separator: " / ")
            return [Announcement(
                channel: routing.channel, target: VolunteerRouting.target(forVolunteer: claimant), text: "#\(held.id) \(held.pseudonym): \(flat)")]
        }
        return [Announcement(
            channel: routing.channel, target: routing.target,
            text: "#\(held.id): the worker wrote again; \(held.claimedBy ?? "the claimant") is not connected (show \(held.id) to read it).")]
    }

    func reportEngineFailure(_ error: any Error) {
        logger.error("engine.failed", metadata: ["error": "\(error)"])
    }

    /// Every channel's sender wakes up: the engine's replies and announcements may be for any of them.
    func ringOutboxBells() {
        for bell in outboxBells.withLock({ Array($0.values) }) { bell.ring() }
    }

    /// Rung when replies for `channel` may be waiting in the outbox: its sender wakes up.
    public func outboxBell(for channel: String) -> Doorbell {
        outboxBells.withLock { bells in
            if let bell = bells[channel] { return bell }
            let bell = Doorbell()
            bells[channel] = bell
            return bell
        }
    }

    /// The longest prefix of whole characters within `limit` bytes; `limit` is a parameter for the fuzz target,
    /// which checks the cut on small limits.
    package static func capped(_ text: String, limit: Int = maxMessageBytes) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var bytes = 0
        for character in text {
            bytes += character.utf8.count
            if bytes > limit { break }
            result.append(character)
        }
        return result
    }
}
