import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import Logging
import Testing

/// The weekly report in words: `!stats` on IRC (the current week, six short lines at most) and
/// `entraide cases stats` (every week).
@Suite struct CaseReportTextTests {
    static let monday = Date(timeIntervalSince1970: 1_777_852_800)  // 2026-05-04 00:00 UTC, ISO week 2026-W19

    static func minutes(_ value: Double) -> TimeInterval { value * 60 }

    static let report: WeeklyCaseReport = {
        let day = monday
        let facts = [
            CaseFacts(
                id: 1, status: .closed, language: "es", topic: "rejection", openedAt: day + minutes(60),
                claimedAt: day + minutes(72), closedAt: day + minutes(60 + 125), claimedBy: "amina", feedback: "yes"),
            CaseFacts(
                id: 2, status: .claimed, language: "en", topic: "crisis", urgent: true, openedAt: day + minutes(120),
                claimedAt: day + minutes(121), claimedBy: "bruno"),
            CaseFacts(id: 3, status: .open, language: "es", topic: "human", urgent: true, openedAt: day + minutes(300)),
            CaseFacts(
                id: 4, status: .closed, language: "fr", topic: "rejection", blocked: true, openedAt: day + minutes(400),
                closedAt: day + minutes(410)),
        ]
        return WeeklyCaseReport(facts, weeks: 2, now: day + minutes(600))
    }()

    @Test func theShortFormIsTheCurrentWeekInAtMostSixLines() throws {
        #expect(
            CaseReportText.short(Self.report) == [
                "Week 2026-W19 so far: 4 opened, 2 urgent · now 1 waiting (1 urgent), 1 held",
                "Topics: rejection 2, crisis 1, human 1",
                "Languages: es 2, en 1, fr 1",
                "Wait for a claim: median 1 min, 90% 12 min (2) · to close: median 2 h 5 min, 90% 2 h 5 min (1)",
                "Did it help? yes 1, no 0, no answer 0; blocked 1",
                "Claimed/closed: amina 1/1, bruno 1/0",
            ])
    }

    @Test func theLongFormHasEveryWeek() throws {
        let lines = CaseReportText.long(Self.report)
        #expect(lines.first == "Now: 1 waiting (1 urgent), 1 held by a volunteer.")
        #expect(lines.contains("2026-W19 (from 2026-05-04, this week so far): 4 cases opened, 2 urgent"))
        #expect(lines.contains("2026-W18 (from 2026-04-27): 0 cases opened, 0 urgent"))
        #expect(lines.contains("  time to claim: median 1 min, 90th percentile 12 min (2 cases)"))
        #expect(lines.contains("  volunteers:    amina claimed 1, closed 1; bruno claimed 1, closed 0"))
    }

    static let durationWords: [(TimeInterval, String)] = [
        (29, "<1 min"), (30, "1 min"), (60, "1 min"), (3540, "59 min"), (3600, "1 h"), (7500, "2 h 5 min"), (93_600, "1 d 2 h"), (172_800, "2 d"),
    ]

    @Test(arguments: durationWords)
    func durations(seconds: Double, expected: String) {
        #expect(CaseReportText.duration(seconds) == expected)
    }

    @Test func statsOnTheDeskAnswersInSixLinesAtMostAndIsAudited() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-stats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try CaseStore(path: directory.appendingPathComponent("s.sqlite").path, durability: .normal)
        let logger = Logger(label: "test")
        let helpline = Helpline(
            store: store, library: try AnswerLibrary(directory: HelplineEngineTests.intents, logger: logger),
            pseudonymizer: Pseudonymizer(key: Array(repeating: 5, count: 32)), defaultLanguage: .en, logger: logger)
        for number in 0..<8 {
            let found = try store.openCase(
                pseudonym: "w-\(number)", channel: "irc", language: ["en", "es", "fr"][number % 3], topic: "human",
                urgent: number == 0, reopenWithin: 0) { _, _ in [] }.0
            if number % 2 == 0 { _ = try store.claim(found.id, by: "amina") }
        }
        let amina = Volunteer(alias: "amina", languages: ["en"], ircAccount: nil, active: true)
        let lines = VolunteerDesk(helpline: helpline).perform(.stats, as: amina, via: "irc", sender: "amina_")
        #expect(lines.count <= 6)
        #expect(lines.first?.contains("8 opened, 1 urgent") == true, "\(lines)")
        #expect(lines.contains("Claimed/closed: amina 4/0"))
        #expect(!lines.joined().contains("w-"))
        let audited = try #require(try store.auditRecords().last)
        #expect(audited.actor == "amina" && audited.action == "stats" && audited.outcome == "ok")
    }
}
