import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import Logging
import TestSupport
import Testing

@Suite struct VolunteerDeskTests {
    let helpline: Helpline
    let desk: VolunteerDesk

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-desk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try CaseStore(path: directory.appendingPathComponent("s.sqlite").path, durability: .normal)
        let logger = Logger(label: "test")
        helpline = Helpline(
            store: store, library: try AnswerLibrary(directory: HelplineEngineTests.intents, logger: logger),
            pseudonymizer: Pseudonymizer(key: Array(repeating: 5, count: 32)), defaultLanguage: .en, logger: logger)
        desk = VolunteerDesk(helpline: helpline)
    }

    /// 1,000 privileged commands from senders who are not authenticated volunteers: none is
    /// carried out, and every one is audited.
    @Test func unauthenticatedCommandsAreAllRefusedAndAudited() throws {
        let found = try helpline.store.openCase(
            pseudonym: "w-1", channel: "irc", language: "en", topic: "human", urgent: false, reopenWithin: 0) { _, _ in [] }.0
        let commands: [VolunteerCommand] = [
            .claim(found.id), .show(found.id), .reply(found.id, "hi"), .note(found.id, "n"), .close(found.id, outcome: nil),
            .block(found.id), .list(language: nil), .transfer(found.id, to: "x", force: false), .release(found.id), .stats,
        ]
        let revoked = Volunteer(alias: "gone", languages: ["en"], ircAccount: nil, active: false)
        var accepted = 0
        for index in 0..<1_000 {
            let lines = desk.perform(commands[index % commands.count], as: index % 2 == 0 ? nil : revoked, via: "irc", sender: "mallory\(index)")
            if !(lines.first?.hasPrefix("Refused") ?? false) { accepted += 1 }
        }
        #expect(accepted == 0)
        #expect(try helpline.store.helplineCase(found.id)?.status == .open)
        let denials = try helpline.store.auditRecords().filter { $0.outcome == "denied" }
        #expect(denials.count == 1_000)
        #expect(try helpline.store.verifyAudit().firstBad == nil)
    }

    @Test(arguments: [
        ("!claim 3", VolunteerCommand.claim(3)), ("reply 3 hello there", .reply(3, "hello there")), ("!r hola", .reply(nil, "hola")),
        ("close #4 resolved", .close(4, outcome: "resolved")), ("!list es", .list(language: "es")), ("transfer 2 bruno", .transfer(2, to: "bruno", force: false)),
    ])
    func parsesVolunteerCommands(text: String, expected: VolunteerCommand) throws {
        let parsed = try VolunteerCommand.parse(text)?.get()
        #expect(parsed == expected)
    }

    @Test func ordinaryWordsAreNotCommands() {
        #expect(VolunteerCommand.parse("hello there") == nil)
        #expect(VolunteerCommand.parse("!claim") != nil)  // a command with a usage error, not a message
    }
}

/// Reminders with a moved clock, and the escalation after two clarifying questions.
@Suite struct EscalationTests {
    let helpline: Helpline

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-remind-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let logger = Logger(label: "test")
        helpline = Helpline(
            store: try CaseStore(path: directory.appendingPathComponent("s.sqlite").path, durability: .normal),
            library: try AnswerLibrary(directory: HelplineEngineTests.intents, logger: logger),
            pseudonymizer: Pseudonymizer(key: Array(repeating: 6, count: 32)), defaultLanguage: .en, logger: logger,
            policy: CasePolicy(reopenWithin: 3600, remindAfter: 15 * 60, remindUrgentAfter: 2 * 60),
            volunteers: VolunteerRouting(channel: "irc", target: "#volunteers"))
    }

    @Test func unclaimedCasesAreRemindedSoonerWhenUrgent() throws {
        let start = Date()
        let store = helpline.store
        let normal = try store.openCase(pseudonym: "w-a", channel: "irc", language: "en", topic: "human", urgent: false, reopenWithin: 0, at: start) { _, _ in [] }.0
        let urgent = try store.openCase(pseudonym: "w-b", channel: "irc", language: "es", topic: "crisis", urgent: true, reopenWithin: 0, at: start) { _, _ in [] }.0
        let reminders = ReminderService(helpline: helpline)
        #expect(try reminders.sendDueReminders(now: start.addingTimeInterval(60)).isEmpty)
        #expect(try reminders.sendDueReminders(now: start.addingTimeInterval(121)) == [urgent.id])
        #expect(try reminders.sendDueReminders(now: start.addingTimeInterval(150)).isEmpty)  // not again at once
        #expect(Set(try reminders.sendDueReminders(now: start.addingTimeInterval(15 * 60 + 1))) == [normal.id, urgent.id])
        _ = try store.claim(normal.id, by: "amina")
        #expect(try reminders.sendDueReminders(now: start.addingTimeInterval(40 * 60)) == [urgent.id])
        let notices = try store.pendingAnnouncements(channel: "irc").map(\.text)
        #expect(notices.filter { $0.contains("Reminder") }.count == 4)
        #expect(notices.allSatisfy { $0.hasPrefix("URGENT") || $0.contains("#\(normal.id)") })
    }

    @Test func twoClarifyingQuestionsInARowHandTheWorkerToAPerson() throws {
        let snapshot = helpline.library.snapshot
        let engine = HelplineEngine(answers: snapshot.answers, matcher: snapshot.matcher, safety: snapshot.safety)
        // A phrase the shipped matcher hesitates on (it asks which of two topics is meant).
        let unsure = try #require(HesitantPhrases.english.first { snapshot.matcher.match($0).decision == .clarify },
                                  "add a phrase the matcher hesitates on to HesitantPhrases")
        var state = ConversationState(language: "en")
        let first = engine.respond(to: unsure, state: state)
        #expect(first.escalation == nil && first.state.pendingChoices.count >= 2)
        state = first.state
        let second = engine.respond(to: unsure, state: state)
        #expect(second.escalation == nil)
        let third = engine.respond(to: unsure, state: second.state)
        #expect(third.escalation?.topic == "unclear")
        #expect(third.intent == "human")
    }
}

/// Logins end when the bot can no longer be sure who holds the nick; accounts follow their owner.
@Suite struct VolunteerPresenceTests {
    @Test func aTokenLoginEndsOnANickChangeAnAccountLoginFollowsIt() {
        let presence = VolunteerPresence()
        presence.bind(VolunteerLogin(alias: "amina", nick: "amina_irc", languages: ["en"]))
        presence.bind(VolunteerLogin(alias: "bruno", nick: "bruno_irc", languages: ["es"], account: "bruno_acct"))
        #expect(presence.renamed(from: "AMINA_irc", to: "amina2") == ["amina"])
        #expect(presence.nick(of: "amina") == nil)
        #expect(presence.renamed(from: "bruno_irc", to: "bruno_away") == [])
        #expect(presence.nick(of: "bruno") == "bruno_away")
        #expect(presence.alias(of: "bruno_irc") == nil)
    }

    @Test func oneLoginPerNickAndAChangedAccountEndsIt() {
        let presence = VolunteerPresence()
        presence.bind(VolunteerLogin(alias: "amina", nick: "shared", languages: ["en"]))
        presence.bind(VolunteerLogin(alias: "bruno", nick: "Shared", languages: ["en"], account: "b"))
        #expect(presence.alias(of: "shared") == "bruno")
        #expect(presence.nick(of: "amina") == nil)
        #expect(presence.accountChanged(nick: "shared", to: "b") == [])
        #expect(presence.accountChanged(nick: "shared", to: nil) == ["bruno"])
        #expect(presence.all.isEmpty)
    }

    @Test func announcementsNameTheVolunteersWhoSpeakTheLanguageAndEveryoneWhenUrgentAndNoneDoes() {
        let presence = VolunteerPresence()
        presence.bind(VolunteerLogin(alias: "amina", nick: "amina_irc", languages: ["en", "fr"]))
        presence.bind(VolunteerLogin(alias: "bruno", nick: "bruno_irc", languages: ["es"]))
        let found = HelplineCase(
            id: 3, pseudonym: "w-1", channel: "irc", language: "fr", topic: "pay-missing", urgent: false, status: .open,
            claimedBy: nil, blocked: false, outcome: nil, openedAt: Date())
        #expect(presence.highlights(for: found) == ["amina_irc"])
        #expect(CaseNotices.opened(found, isNew: true, highlight: presence.highlights(for: found)).hasSuffix(" — amina_irc"))
        var arabic = found
        arabic.language = "ar"
        #expect(presence.highlights(for: arabic).isEmpty)
        arabic.urgent = true
        #expect(presence.highlights(for: arabic) == ["amina_irc", "bruno_irc"])
        #expect(CaseNotices.opened(arabic, isNew: true).hasPrefix("‼ URGENT"))
    }

    @Test func parsesTheNewVerbsWithOrWithoutTheBang() {
        #expect(VolunteerCommand.parse("accept 4") == .success(.accept(4)))
        #expect(VolunteerCommand.parse("!decline #4") == .success(.decline(4)))
        #expect(VolunteerCommand.parse("transfer 4 bruno force") == .success(.transfer(4, to: "bruno", force: true)))
        #expect(VolunteerCommand.parse("transfer 4 bruno please") == .failure(VolunteerCommandError("usage: transfer N alias [force]")))
        #expect(VolunteerCommand.parse("answer 4 Pay-Missing") == .success(.answer(4, intent: "pay-missing")))
        #expect(VolunteerCommand.parse("repyl 4 hi") == nil)
        #expect(VolunteerCommand.unknown("repyl 4 hi").hasPrefix("Unknown command \"repyl\", try help"))
    }

    @Test func feedbackIsAShortYesOrNoInAnyLanguage() {
        for yes in ["yes", "Oui !", "sí", "Sim, obrigado", "نعم", "aywa"] { #expect(FeedbackAnswer.parse(yes) == .yes, "\(yes)") }
        for no in ["no", "Non.", "não", "nao", "لا", "not really"] { #expect(FeedbackAnswer.parse(no) == .no, "\(no)") }
        for other in ["yes but my account is still blocked and nobody answers me", "hello", "human"] {
            #expect(FeedbackAnswer.parse(other) == nil, "\(other)")
        }
    }
}

/// Hand-overs on a real store: offers that lapse, refusals that protect the worker, a revoked
/// volunteer's cases, the operator's override. Each leaves the worker a message and an audit record.
@Suite struct HandoverTests {
    let helpline: Helpline
    let desk: VolunteerDesk
    static let routing = VolunteerRouting(channel: "irc", target: "#volunteers")

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-handover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try CaseStore(path: directory.appendingPathComponent("s.sqlite").path, durability: .normal)
        let logger = Logger(label: "test")
        helpline = Helpline(
            store: store, library: try AnswerLibrary(directory: HelplineEngineTests.intents, logger: logger),
            pseudonymizer: Pseudonymizer(key: Array(repeating: 5, count: 32)), defaultLanguage: .en, logger: logger,
            policy: CasePolicy(transferAcceptWithin: 600), volunteers: Self.routing)
        desk = VolunteerDesk(helpline: helpline)
        for (alias, languages) in [("amina", ["en"]), ("bruno", ["en", "es"]), ("chen", ["zh"])] {
            try store.addVolunteer(alias: alias, languages: languages, ircAccount: nil, tokenHash: nil)
        }
    }

    func volunteer(_ alias: String) throws -> Volunteer? { try helpline.store.volunteer(alias: alias) }

    func heldCase(by alias: String, language: String = "en") throws -> HelplineCase {
        let found = try helpline.store.openCase(
            pseudonym: "w-\(UUID().uuidString.prefix(6))", channel: "irc", language: language, topic: "pay-missing", urgent: false,
            reopenWithin: 0) { _, _ in [] }.0
        _ = try helpline.store.claim(found.id, by: alias)
        return found
    }

    /// What the helpline said to the case's worker (the transcript's bot lines: the outbox, by pseudonym).
    func workerMessages(_ found: HelplineCase) throws -> [String] {
        try helpline.store.transcript(of: found.id, limit: 100).filter { $0.speaker == .bot }.map(\.text)
    }

    @Test func anOfferNobodyAcceptsGoesBackToTheQueueAndEveryoneIsTold() throws {
        let found = try heldCase(by: "amina")
        helpline.presence.bind(alias: "bruno", to: "bruno_irc", languages: ["en"])
        let offered = desk.perform(.transfer(found.id, to: "bruno", force: false), as: try volunteer("amina"), via: "irc", sender: "a")
        #expect(offered.first?.hasPrefix("Case #\(found.id) offered to bruno") == true, "\(offered)")
        #expect(try helpline.store.helplineCase(found.id)?.claimedBy == "amina")
        let toBruno = try helpline.store.pendingAnnouncements(channel: "irc").filter { $0.target == VolunteerRouting.target(forVolunteer: "bruno") }
        #expect(toBruno.contains { $0.text.hasPrefix("amina offers you case #\(found.id)") })

        let reminders = ReminderService(helpline: helpline)
        #expect(try reminders.expireTransferOffers(now: Date().addingTimeInterval(300)).isEmpty)
        #expect(try reminders.expireTransferOffers(now: Date().addingTimeInterval(601)) == [found.id])
        let after = try #require(try helpline.store.helplineCase(found.id))
        #expect(after.status == .open && after.claimedBy == nil && after.offeredTo == nil)
        #expect(try workerMessages(found).contains { $0.contains("waiting for another volunteer") })
        let notices = try helpline.store.pendingAnnouncements(channel: "irc").map(\.text)
        #expect(notices.contains { $0.contains("bruno did not accept case #\(found.id) in time") })
        #expect(notices.contains { $0.contains("#\(found.id) [en] topic pay-missing is back in the queue") })
        // Too late to accept.
        #expect(desk.perform(.accept(found.id), as: try volunteer("bruno"), via: "irc", sender: "b").first?.hasPrefix("Refused") == true)
        #expect(try helpline.store.auditRecords().contains { $0.action == "transfer.expired" })
    }

    @Test func anOfferIsRefusedToSomeoneOfflineOrWithoutTheLanguageUnlessForced() throws {
        let found = try heldCase(by: "amina")
        let amina = try volunteer("amina")
        let offline = desk.perform(.transfer(found.id, to: "bruno", force: false), as: amina, via: "irc", sender: "a")
        #expect(offline.first?.hasPrefix("Refused: bruno is not logged in") == true, "\(offline)")
        helpline.presence.bind(alias: "chen", to: "chen_irc", languages: ["zh"])
        let language = desk.perform(.transfer(found.id, to: "chen", force: false), as: amina, via: "irc", sender: "a")
        #expect(language.first?.hasPrefix("Refused: chen does not answer in en") == true, "\(language)")
        let forced = desk.perform(.transfer(found.id, to: "bruno", force: true), as: amina, via: "irc", sender: "a")
        #expect(forced.first?.hasPrefix("Case #\(found.id) is now held by bruno") == true, "\(forced)")
        #expect(try workerMessages(found).contains { $0.contains("A new volunteer, bruno, takes over") })
    }

    @Test func aDeclinedOfferLeavesTheCaseWithItsHolder() throws {
        let found = try heldCase(by: "amina")
        helpline.presence.bind(alias: "bruno", to: "bruno_irc", languages: ["en"])
        _ = desk.perform(.transfer(found.id, to: "bruno", force: false), as: try volunteer("amina"), via: "irc", sender: "a")
        let declined = desk.perform(.decline(found.id), as: try volunteer("bruno"), via: "irc", sender: "b")
        #expect(declined.first == "Declined: case #\(found.id) stays with amina.")
        #expect(try helpline.store.helplineCase(found.id)?.claimedBy == "amina")
        #expect(try helpline.store.pendingAnnouncements(channel: "irc").contains { $0.text.contains("bruno declined case #\(found.id)") })
    }

    @Test func revokingAVolunteerReleasesTheirCasesAndTheOperatorCanTakeAnyCaseBack() throws {
        let first = try heldCase(by: "amina")
        let second = try heldCase(by: "amina")
        helpline.presence.bind(alias: "amina", to: "amina_irc", languages: ["en"])
        #expect(Set(try desk.revoke("amina")) == [first.id, second.id])
        #expect(helpline.presence.nick(of: "amina") == nil)
        for found in [first, second] {
            #expect(try helpline.store.helplineCase(found.id)?.status == .open)
            #expect(try workerMessages(found).contains { $0.contains("waiting for another volunteer") })
        }
        #expect(try helpline.store.auditRecords().filter { $0.action == "release" && $0.detail == "amina revoked" }.count == 2)
        #expect(throws: CaseActionRefused.self) { try desk.revoke("nobody") }

        _ = try helpline.store.claim(first.id, by: "bruno")
        let refused = desk.perform(.release(first.id), as: nil, via: "cli", sender: "operator", asOperator: false)
        #expect(refused.first?.hasPrefix("Refused") == true)
        let released = desk.perform(.release(first.id), as: nil, via: "cli", sender: "operator", asOperator: true)
        #expect(released.first?.hasPrefix("Case #\(first.id) is back in the queue") == true, "\(released)")
        #expect(try helpline.store.auditRecords().contains { $0.actor == "operator" && $0.action == "release" && $0.detail.contains("was held by bruno") })
        let reply = desk.perform(.reply(first.id, "hi"), as: nil, via: "cli", sender: "operator", asOperator: true)
        #expect(reply.first?.hasPrefix("Refused: with --operator") == true)
    }

    @Test func theWorkersYesAfterACloseIsTheOutcome() throws {
        let found = try heldCase(by: "amina")
        _ = desk.perform(.close(found.id, outcome: "ok"), as: try volunteer("amina"), via: "irc", sender: "a")
        // The worker answers through the helpline as any message.
        let pseudonym = found.pseudonym
        _ = try helpline.store.receive(InboundMessage(channel: "irc", messageID: "m1", address: "maria", text: "Oui, merci !"), pseudonym: pseudonym)
        try helpline.processPending()
        #expect(try helpline.store.helplineCase(found.id)?.feedback == "yes")
        #expect(try workerMessages(found).contains { $0.hasPrefix("Thank you for telling us") || $0.hasPrefix("Merci de nous l'avoir dit") })
        // A later "no" is a new message, not a second verdict.
        _ = try helpline.store.receive(InboundMessage(channel: "irc", messageID: "m2", address: "maria", text: "no"), pseudonym: pseudonym)
        try helpline.processPending()
        #expect(try helpline.store.helplineCase(found.id)?.feedback == "yes")
    }
}
