import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import Logging
import SafetyNet
import TestSupport
import Testing

/// The crisis safety net through the real engine and a real SQLite file: every crisis phrasing of the
/// shipped corpus opens an URGENT case in every state a conversation can be in, never with a menu or the
/// fallback; check-ins reach the worker while the case waits; "forget me" still erases and tells the claimant.
@Suite struct CrisisSafetyTests {
    enum State: String, CaseIterable, Sendable {
        case new, clarifyMenu, caseWaiting, caseClaimed, blocked, rateLimited, afterForgetMe
    }

    static let corpus: CrisisCorpus = {
        let folder = HelplineEngineTests.intents.appendingPathComponent("safety/tests")
        return (try? CrisisCorpus.load(directory: folder)) ?? CrisisCorpus(phrases: [])
    }()

    static let routing = VolunteerRouting(channel: "irc", target: "#volunteers")

    let helpline: Helpline
    var store: CaseStore { helpline.store }

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-crisis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let logger = Logger(label: "test")
        helpline = Helpline(
            store: try CaseStore(path: directory.appendingPathComponent("s.sqlite").path, durability: .normal),
            library: try AnswerLibrary(directory: HelplineEngineTests.intents, logger: logger),
            pseudonymizer: Pseudonymizer(key: Self.key), defaultLanguage: .en, logger: logger,
            policy: CasePolicy(checkInEvery: 600, checkInMaximum: 3, urgentUnclaimedLimit: 900),
            volunteers: Self.routing, rateLimit: RateLimitPolicy(burst: 2, perMinute: 1))
        helpline.presence.bind(alias: "amina", to: "amina_nick")
    }

    static let key = Array(repeating: UInt8(9), count: 32)
    func pseudonym(_ worker: String) -> String { Pseudonymizer(key: Self.key).pseudonym(channel: "irc", address: worker) }

    private var counter = Counter()
    final class Counter: @unchecked Sendable { var value = 0 }

    /// Sends one message as `worker` and runs the engine; returns the replies it produced. Replies are then
    /// marked delivered, as a channel would, so the outbox stays small over thousands of workers.
    @discardableResult
    func say(_ worker: String, _ text: String, at now: Date = Date()) throws -> [String] {
        counter.value += 1
        let pseudonym = pseudonym(worker)
        _ = try helpline.receive(InboundMessage(channel: "irc", messageID: "m\(counter.value)", address: worker, text: text), at: now)
        try helpline.processPending()
        let pending = try store.pendingOutbox(channel: "irc", limit: 10_000)
        for item in pending { try store.markDelivered(item) }
        return pending.filter { $0.pseudonym == pseudonym && !$0.key.contains("-checkin-") }.map(\.text)
    }

    /// Brings a fresh worker's conversation into `state`.
    func prepare(_ worker: String, _ state: State) throws {
        let pseudonym = pseudonym(worker)
        switch state {
        case .new:
            break
        case .clarifyMenu:
            let matcher = helpline.library.snapshot.matcher
            let unsure = try #require(HesitantPhrases.english.first { matcher.match($0).decision == .clarify },
                                      "add a phrase the matcher hesitates on to HesitantPhrases")
            try say(worker, unsure)
            try #require(!(try store.conversation(of: pseudonym).pendingChoices.isEmpty), "the phrase no longer gets a menu")
        case .caseWaiting:
            try say(worker, "human")
            try #require(try store.activeCase(of: pseudonym)?.status == .open)
        case .caseClaimed:
            try say(worker, "human")
            let found = try #require(try store.activeCase(of: pseudonym))
            _ = try store.claim(found.id, by: "amina")
        case .blocked:
            try say(worker, "human")
            let found = try #require(try store.activeCase(of: pseudonym))
            _ = try store.claim(found.id, by: "amina")
            _ = try store.close(found.id, by: "amina", outcome: "blocked", block: true, followUp: nil)
        case .rateLimited:
            for _ in 0..<4 { try say(worker, "hello") }
        case .afterForgetMe:
            try say(worker, "hello")
            try say(worker, "forget me")
        }
    }

    /// Replies that must never answer a crisis: the fallback and the clarifying question, in every language.
    static let forbidden: [String] = Language.allCases.flatMap { [SystemMessage.fallback.text(in: $0), SystemMessage.clarify.text(in: $0)] }

    @Test(arguments: State.allCases)
    func everyCrisisPhrasingOpensAnUrgentCase(in state: State) throws {
        let phrases = Self.corpus.phrases.filter(\.crisis)
        try #require(phrases.count >= 300, "the corpus in intents/safety/tests has at least 60 phrasings per language")
        var missed: [String] = []
        for (number, phrase) in phrases.enumerated() {
            let worker = "w-\(state.rawValue)-\(number)"
            try prepare(worker, state)
            let replies = try say(worker, phrase.text)
            let found = try store.activeCase(of: pseudonym(worker))
            if found?.urgent != true || found?.status == .closed { missed.append("no urgent case: \(phrase.text)") }
            if replies.contains(where: { reply in Self.forbidden.contains { reply.hasPrefix($0) } }) {
                missed.append("menu or fallback: \(phrase.text)")
            }
            if state != .caseClaimed && replies.isEmpty { missed.append("no reply: \(phrase.text)") }
        }
        #expect(missed.isEmpty, "\(missed.count) of \(phrases.count): \(missed.prefix(10))")
    }

    @Test func theClaimantIsAlertedUrgentlyAndTheBotStaysSilent() throws {
        try prepare("w-held", .caseClaimed)
        let replies = try say("w-held", "i want to kill myself")
        #expect(replies.isEmpty)
        let found = try #require(try store.activeCase(of: pseudonym("w-held")))
        #expect(found.urgent && found.claimedBy == "amina")
        let toClaimant = try store.pendingAnnouncements(channel: "irc").filter { $0.target == VolunteerRouting.target(forVolunteer: "amina") }.map(\.text)
        #expect(toClaimant.contains { $0.hasPrefix("URGENT #\(found.id)") })
        #expect(toClaimant.contains { $0.contains("i want to kill myself") })
        let inChannel = try store.pendingAnnouncements(channel: "irc").filter { $0.target == Self.routing.target }.map(\.text)
        #expect(!inChannel.contains { $0.contains("kill myself") })
    }

    @Test func aCrisisOnACaseWhoseClaimantIsAwayCallsTheChannelAndAnswersTheWorker() throws {
        try prepare("w-away", .caseClaimed)
        helpline.presence.forget(nick: "amina_nick")
        let replies = try say("w-away", "je vais en finir ce soir")
        #expect(replies.first == helpline.library.snapshot.answers["crisis"]?.answers[.fr]?.short)
        let inChannel = try store.pendingAnnouncements(channel: "irc").filter { $0.target == Self.routing.target }.map(\.text)
        #expect(inChannel.contains { $0.hasPrefix("URGENT") && $0.contains("not connected") })
    }

    @Test func theCountryIsAskedOnceAndItsLineGiven() throws {
        let first = try say("w-country", "i might just end it tonight")
        #expect(first.contains(CrisisMessage.askCountry(in: .en)))
        let kenya = try #require(helpline.library.snapshot.safety.directory.country(code: "KE"))
        let second = try say("w-country", "kenya")
        #expect(second == [CrisisMessage.lines(of: kenya, in: .en)])
        #expect(second[0].contains("1199"))
        #expect(try store.conversation(of: pseudonym("w-country")).country == "KE")
        // Known from now on: the next crisis message names the line without asking again.
        let third = try say("w-country", "i still want to die")
        #expect(third.contains(CrisisMessage.lines(of: kenya, in: .en)))
        #expect(!third.contains(CrisisMessage.askCountry(in: .en)))
        // And only that country's lines: no other country's number in any reply (the crisis answer itself used to
        // name the US line first, whatever country the worker had given).
        let us = try #require(helpline.library.snapshot.safety.directory.country(code: "US"))
        // (Emergency numbers aside: Kenya's include 911 as well.)
        for number in us.lines.compactMap(\.phone) {
            #expect(!third.joined(separator: " ").contains(number), "\(number) reached a worker in Kenya")
        }
    }

    /// The rest of the crisis answer ("more") asks for the country too: the country named after it still gets its
    /// lines (the wait for a country used to end at the next message, whatever it was).
    @Test func aCountryNamedAfterMoreStillGetsItsLines() throws {
        // Two minutes apart: this suite's rate limit (a burst of 2, then 1 a minute) is not what is tested here.
        let start = Date()
        let first = try say("w-more", "i might just end it tonight", at: start)
        #expect(first.contains(CrisisMessage.askCountry(in: .en)))
        let more = try say("w-more", "more", at: start.addingTimeInterval(120))
        let crisisMore = try #require(helpline.library.snapshot.answers["crisis"]?.answers[.en]?.more)
        #expect(more.contains(crisisMore))
        let kenya = try #require(helpline.library.snapshot.safety.directory.country(code: "KE"))
        let lines = try say("w-more", "kenya", at: start.addingTimeInterval(240))
        #expect(lines == [CrisisMessage.lines(of: kenya, in: .en)])
        #expect(try store.conversation(of: pseudonym("w-more")).country == "KE")
    }

    /// The crisis answer asks whether the worker is safe, then where they are: a worker who answers the first
    /// question first still gets their country's lines when they name it, and a message about something else ends
    /// the wait (its country is not read as the crisis country).
    @Test func aCountryNamedAfterAShortReplyStillGetsItsLines() throws {
        let start = Date()
        _ = try say("w-safe", "je vais en finir ce soir", at: start)
        _ = try say("w-safe", "oui ça va", at: start.addingTimeInterval(120))
        let france = try #require(helpline.library.snapshot.safety.directory.country(code: "FR"))
        let lines = try say("w-safe", "france", at: start.addingTimeInterval(240))
        #expect(lines == [CrisisMessage.lines(of: france, in: .fr)])

        _ = try say("w-other", "i might just end it tonight", at: start)
        _ = try say("w-other", "my prolific account was blocked yesterday without any reason given", at: start.addingTimeInterval(120))
        let kenya = try say("w-other", "kenya", at: start.addingTimeInterval(240))
        #expect(!kenya.contains { $0.contains("1199") }, "a message about something else ended the wait")
    }

    /// The crisis answer in every shipped language is the same for every worker, so it names no country's line:
    /// the country's own lines follow it once the worker has said where they are (`CrisisMessage.lines`).
    @Test func theCrisisAnswerNamesNoCountrysLine() throws {
        let crisis = try #require(helpline.library.snapshot.answers["crisis"])
        let directory = helpline.library.snapshot.safety.directory
        let numbers = Set(directory.countries.flatMap { country in
            country.lines.flatMap { [$0.phone, $0.sms, $0.whatsapp].compactMap { $0 } }
        }.filter { $0.count >= 3 })
        for language in Language.allCases {
            let short = try #require(crisis.answers[language]?.short, "no crisis answer in \(language)")
            for number in numbers {
                #expect(!short.contains(number), "the \(language) crisis answer names \(number)")
            }
        }
    }

    @Test func arabiziIsAnsweredInArabic() throws {
        let replies = try say("w-arabizi", "ana ta3ban kteer w bdi mout")
        #expect(replies.first == helpline.library.snapshot.answers["crisis"]?.answers[.ar]?.short)
    }

    @Test func theWorkerIsToldHonestlyWhetherAVolunteerIsThere() throws {
        let online = try say("w-online", "i want to kill myself")
        #expect(online.contains { $0.hasPrefix(CrisisMessage.availability(volunteersOnline: 1, medianMinutes: nil, in: .en)) })
        helpline.presence.forgetAll()
        let nobody = try say("w-nobody", "i want to kill myself")
        #expect(nobody.contains { $0.hasPrefix(CrisisMessage.availability(volunteersOnline: 0, medianMinutes: nil, in: .en)) })
    }

    @Test func checkInsReachTheWorkerAndVolunteersGetLouderReminders() throws {
        let start = Date()
        try say("w-wait", "i want to end my life", at: start)
        let found = try #require(try store.activeCase(of: pseudonym("w-wait")))
        let service = ReminderService(helpline: helpline)
        #expect(try service.sendDueCheckIns(now: start.addingTimeInterval(300)).isEmpty)
        for round in 1...3 {
            #expect(try service.sendDueCheckIns(now: start.addingTimeInterval(Double(round) * 601)) == [found.id])
        }
        #expect(try service.sendDueCheckIns(now: start.addingTimeInterval(4 * 601)).isEmpty, "at most 3 check-ins")
        let checkIns = try store.pendingOutbox(channel: "irc", limit: 1_000).filter { $0.key.hasPrefix("case-\(found.id)-checkin") }
        #expect(checkIns.count == 3 && checkIns.allSatisfy { $0.text == CrisisMessage.checkIn(in: .en) })
        let loud = try store.pendingAnnouncements(channel: "irc", limit: 1_000).filter { $0.text.contains("STILL UNCLAIMED") }
        #expect(Set(loud.map(\.target)) == [Self.routing.target, VolunteerRouting.target(forVolunteer: "amina")])
        #expect(try store.urgentUnclaimed(longerThan: 900, now: start.addingTimeInterval(901)).map(\.id) == [found.id])
        _ = try store.claim(found.id, by: "amina")
        #expect(try store.urgentUnclaimed(longerThan: 900, now: start.addingTimeInterval(901)).isEmpty)
    }

    @Test func forgetMeDuringAnUrgentCaseErasesAndTellsTheClaimant() throws {
        try say("w-leave", "i want to kill myself")
        let pseudonym = pseudonym("w-leave")
        let found = try #require(try store.activeCase(of: pseudonym))
        _ = try store.claim(found.id, by: "amina")
        try say("w-leave", "forget me")
        #expect(try store.helplineCase(found.id) == nil)
        let notices = try store.pendingAnnouncements(channel: "irc", limit: 1_000).filter { $0.target == VolunteerRouting.target(forVolunteer: "amina") }.map(\.text)
        #expect(notices.contains(CaseNotices.workerLeft(caseID: found.id)))
        #expect(!notices.contains { $0.contains("kill myself") }, "erasure took the relayed words with it")
    }

    @Test func idiomsDoNotPageVolunteers() throws {
        for (number, text) in ["this deadline is killing me", "im dead tired after 300 hits", "how do i kill the script"].enumerated() {
            try say("w-idiom-\(number)", text)
            #expect(try store.activeCase(of: pseudonym("w-idiom-\(number)")) == nil, "\(text)")
        }
    }
}
