import CaseTracker
import Foundation
import GRDB
import Testing

/// The weekly report: a pure function of hand-made cases with exact expected figures, then the
/// same through a real store (where transfers and reopenings move the columns it must not trust).
@Suite struct CaseReportTests {
    /// "2026-05-04 09:00" in UTC.
    static func at(_ text: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).map { Int($0)! }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4]))!
    }

    static func minutes(_ value: Double) -> TimeInterval { value * 60 }

    /// Wednesday of ISO week 2026-W19 (Monday 4 May to Sunday 10 May); W18 is 27 April to 3 May.
    static let now = at("2026-05-06 12:00")

    static func fact(
        _ id: Int64, opened: String, _ language: String, _ topic: String, urgent: Bool = false, claimedAfter: Double? = nil,
        by alias: String? = nil, closedAfter: Double? = nil, blocked: Bool = false, feedback: String? = nil
    ) -> CaseFacts {
        let openedAt = at(opened)
        let status: CaseStatus = closedAfter != nil ? .closed : (claimedAfter != nil ? .claimed : .open)
        return CaseFacts(
            id: id, status: status, language: language, topic: topic, urgent: urgent, blocked: blocked, openedAt: openedAt,
            claimedAt: claimedAfter.map { openedAt + minutes($0) }, closedAt: closedAfter.map { openedAt + minutes($0) },
            claimedBy: alias, feedback: feedback)
    }

    static let facts: [CaseFacts] = [
        // W19
        fact(1, opened: "2026-05-04 09:00", "en", "rejection", claimedAfter: 5, by: "amina", closedAfter: 60, feedback: "yes"),
        fact(2, opened: "2026-05-04 10:00", "es", "crisis", urgent: true, claimedAfter: 1, by: "bruno", closedAfter: 30, feedback: "no"),
        fact(3, opened: "2026-05-05 08:00", "es", "rejection", claimedAfter: 20, by: "amina", closedAfter: 240),
        fact(4, opened: "2026-05-05 09:00", "fr", "human", claimedAfter: 3, by: "amina"),
        fact(5, opened: "2026-05-06 11:00", "en", "rejection", urgent: true),
        fact(6, opened: "2026-05-05 12:00", "en", "human", claimedAfter: 10, by: "bruno", closedAfter: 15, blocked: true),
        // W18; case 8 opened on Sunday night is claimed and closed on Monday, in W19.
        fact(7, opened: "2026-04-29 10:00", "pt", "pay", claimedAfter: 40, by: "amina", closedAfter: 2 * 24 * 60, feedback: "yes"),
        fact(8, opened: "2026-05-03 23:00", "en", "human", claimedAfter: 90, by: "bruno", closedAfter: 180, feedback: "yes"),
        fact(9, opened: "2026-04-27 00:00", "ar", "human", closedAfter: 60),
        // W17: outside two weeks.
        fact(10, opened: "2026-04-20 10:00", "en", "pay", claimedAfter: 5, by: "amina", closedAfter: 600, feedback: "no"),
    ]

    @Test func everyFigureOfTwoWeeksFromHandMadeCases() throws {
        let report = WeeklyCaseReport(Self.facts, weeks: 2, now: Self.now)
        #expect(report.weeks.map(\.label) == ["2026-W19", "2026-W18"])
        #expect(report.weeks.map(\.isCurrent) == [true, false])
        #expect(report.weeks[0].start == Self.at("2026-05-04 00:00"))
        #expect(report.weeks[0].end == Self.at("2026-05-11 00:00"))
        #expect(report.openNow == 1)
        #expect(report.urgentOpenNow == 1)
        #expect(report.claimedNow == 1)

        let current = report.weeks[0]
        #expect(current.opened == 6)
        #expect(current.urgent == 2)
        #expect(current.byTopic == [CaseCount("rejection", 3), CaseCount("human", 2), CaseCount("crisis", 1)])
        #expect(current.byLanguage == [CaseCount("en", 3), CaseCount("es", 2), CaseCount("fr", 1)])
        // First claims this week: 1, 3, 5, 10, 20 and case 8's 90 minutes.
        #expect(current.timeToClaim == DurationSummary(count: 6, median: Self.minutes(5), percentile90: Self.minutes(90)))
        // Closes this week, the blocked one aside: 30, 60, 180, 240 minutes.
        #expect(current.timeToClose == DurationSummary(count: 4, median: Self.minutes(60), percentile90: Self.minutes(240)))
        #expect(current.feedback == FeedbackCount(yes: 2, no: 1, noAnswer: 1, blocked: 1))
        #expect(current.volunteers == [VolunteerLoad("bruno", claimed: 3, closed: 3), VolunteerLoad("amina", claimed: 3, closed: 2)])

        let previous = report.weeks[1]
        #expect(previous.opened == 3)
        #expect(previous.urgent == 0)
        #expect(previous.byTopic == [CaseCount("human", 2), CaseCount("pay", 1)])
        #expect(previous.byLanguage == [CaseCount("ar", 1), CaseCount("en", 1), CaseCount("pt", 1)])
        #expect(previous.timeToClaim == DurationSummary(count: 1, median: Self.minutes(40), percentile90: Self.minutes(40)))
        #expect(previous.timeToClose == DurationSummary(count: 2, median: Self.minutes(60), percentile90: Self.minutes(2 * 24 * 60)))
        #expect(previous.feedback == FeedbackCount(yes: 1, no: 0, noAnswer: 1, blocked: 0))
        #expect(previous.volunteers == [VolunteerLoad("amina", claimed: 1, closed: 1)])
    }

    @Test func oneWeekIsTheCurrentOneAndAnEmptyWeekHasNoTimes() throws {
        let report = WeeklyCaseReport(Self.facts, weeks: 1, now: Self.now)
        #expect(report.weeks.count == 1)
        #expect(report.weeks[0].opened == 6)
        let empty = WeeklyCaseReport([], weeks: 1, now: Self.now).weeks[0]
        #expect(empty.opened == 0)
        #expect(empty.timeToClaim == DurationSummary(count: 0, median: nil, percentile90: nil))
        #expect(empty.volunteers.isEmpty)
    }

    @Test func isoWeeksAcrossTheNewYear() throws {
        // 1 January 2026 is a Thursday: ISO week 1 began on Monday 29 December 2025.
        let report = WeeklyCaseReport([], weeks: 2, now: Self.at("2026-01-01 08:00"))
        #expect(report.weeks.map(\.label) == ["2026-W01", "2025-W52"])
        #expect(report.weeks[0].start == Self.at("2025-12-29 00:00"))
        #expect(WeeklyCaseReport.startOfWeeks(2, endingAt: Self.at("2026-01-01 08:00")) == Self.at("2025-12-22 00:00"))
    }

    @Test func nearestRankPercentiles() throws {
        let oneToTen = (1...10).map(TimeInterval.init)
        #expect(WeeklyCaseReport.nearestRank(50, of: oneToTen) == 5)
        #expect(WeeklyCaseReport.nearestRank(90, of: oneToTen) == 9)
        #expect(WeeklyCaseReport.nearestRank(90, of: oneToTen.reversed()) == 9)
        #expect(WeeklyCaseReport.nearestRank(50, of: [1, 2]) == 1)
        #expect(WeeklyCaseReport.nearestRank(90, of: [1, 2]) == 2)
        #expect(WeeklyCaseReport.nearestRank(50, of: [7]) == 7)
        #expect(WeeklyCaseReport.nearestRank(90, of: []) == nil)
    }

    /// Through a real store: a transfer moves `claimed_at` and a reopening leaves it stale, but the
    /// wait is from opening to the first claim.
    @Test func aRealStoreReportsTheFirstClaimNotATransferAndReadsFeedback() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("report.sqlite").path
        let store = try CaseStore(path: path, durability: .normal)
        try store.addVolunteer(alias: "amina", languages: ["en"], ircAccount: nil, tokenHash: nil)
        try store.addVolunteer(alias: "bruno", languages: ["en"], ircAccount: nil, tokenHash: nil)
        func open(_ pseudonym: String, at date: Date) throws -> HelplineCase {
            try store.openCase(
                pseudonym: pseudonym, channel: "sms", language: "en", topic: "human", urgent: false, reopenWithin: 3600, at: date
            ) { _, _ in [] }.0
        }
        let opened = Self.at("2026-05-04 09:00")
        let first = try open("w-1", at: opened)
        _ = try store.claim(first.id, by: "amina", at: opened + Self.minutes(5))
        try store.transfer(first.id, from: "amina", to: "bruno", at: opened + Self.minutes(30))
        _ = try store.close(first.id, by: "bruno", outcome: "sorted", followUp: nil, at: opened + Self.minutes(60))
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE helpline_case SET feedback = 'yes' WHERE id = ?", arguments: [first.id])
        }
        // Another worker's case: claimed, closed, then reopened by their next message: open, and no claim yet.
        let second = try open("w-2", at: opened)
        _ = try store.claim(second.id, by: "amina", at: opened + Self.minutes(2))
        _ = try store.close(second.id, by: "amina", outcome: nil, followUp: nil, at: opened + Self.minutes(10))
        _ = try open("w-2", at: opened + Self.minutes(20))

        let week = try store.weeklyReport(weeks: 1, now: Self.now)
        #expect(week.openNow == 1)
        #expect(week.claimedNow == 0)
        let current = week.weeks[0]
        #expect(current.opened == 2)
        // Case 1 waited 5 minutes (not 30, the transfer); case 2's first claim was before its reopening.
        #expect(current.timeToClaim == DurationSummary(count: 1, median: Self.minutes(5), percentile90: Self.minutes(5)))
        #expect(current.timeToClose == DurationSummary(count: 1, median: Self.minutes(60), percentile90: Self.minutes(60)))
        #expect(current.feedback == FeedbackCount(yes: 1))
        #expect(current.volunteers == [VolunteerLoad("bruno", claimed: 1, closed: 1)])
    }
}
