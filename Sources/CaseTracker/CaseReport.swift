public import Foundation

/// How many cases had one value (a topic, a language).
public struct CaseCount: Sendable, Equatable {
    public var name: String
    public var count: Int

    public init(_ name: String, _ count: Int) {
        self.name = name
        self.count = count
    }
}

/// A set of durations, summarised: how many, the median and the 90th percentile (nearest rank).
public struct DurationSummary: Sendable, Equatable {
    public var count: Int
    public var median: TimeInterval?
    public var percentile90: TimeInterval?

    public init(_ values: [TimeInterval]) {
        count = values.count
        median = WeeklyCaseReport.nearestRank(50, of: values)
        percentile90 = WeeklyCaseReport.nearestRank(90, of: values)
    }

    public init(count: Int, median: TimeInterval?, percentile90: TimeInterval?) {
        self.count = count
        self.median = median
        self.percentile90 = percentile90
    }
}

/// The workers' answers to "did this help?" on the cases closed in a week.
public struct FeedbackCount: Sendable, Equatable {
    public var yes = 0
    public var no = 0
    public var noAnswer = 0
    /// Closed with `block`: the worker was not asked.
    public var blocked = 0

    public init(yes: Int = 0, no: Int = 0, noAnswer: Int = 0, blocked: Int = 0) {
        self.yes = yes
        self.no = no
        self.noAnswer = noAnswer
        self.blocked = blocked
    }
}

/// What one volunteer took on in a week, by the `claimed_by` of each case (after a transfer, the
/// receiver): cases first claimed that week that they hold or held, and cases closed that week while they held them.
public struct VolunteerLoad: Sendable, Equatable {
    public var alias: String
    public var claimed: Int
    public var closed: Int

    public init(_ alias: String, claimed: Int, closed: Int) {
        self.alias = alias
        self.claimed = claimed
        self.closed = closed
    }
}

/// The desk's weeks in figures, for volunteers (`!stats`) and operators (`entraide cases stats`).
///
/// A pure function of `CaseFacts` read in one transaction. Each figure belongs to the week its
/// event happened in, weeks being ISO 8601 weeks in UTC (Monday 00:00 to Monday 00:00):
/// - opened, urgent, by topic, by language: the week the case opened (or reopened);
/// - time to claim, and claims per volunteer: the week of the first claim;
/// - time to close, feedback, and closes per volunteer: the week of the close.
/// So a case opened on Sunday and closed on Monday counts in both weeks, each for what happened then.
public struct WeeklyCaseReport: Sendable, Equatable {
    public struct Week: Sendable, Equatable {
        /// The ISO week, such as "2026-W18".
        public var label: String
        public var start: Date
        public var end: Date
        /// The week that contains `now`: its figures are so far.
        public var isCurrent: Bool
        public var opened = 0
        public var urgent = 0
        /// Most first; ties by name.
        public var byTopic: [CaseCount] = []
        public var byLanguage: [CaseCount] = []
        /// From opening to the first claim, for the cases first claimed this week.
        public var timeToClaim = DurationSummary([])
        /// From opening to the close, for the cases closed this week (blocked ones aside).
        public var timeToClose = DurationSummary([])
        public var feedback = FeedbackCount()
        /// Busiest first; ties by alias.
        public var volunteers: [VolunteerLoad] = []
    }

    /// Newest first: `weeks[0]` is the current week.
    public var weeks: [Week]
    /// Right now, whatever the week: cases waiting for a volunteer (urgent ones among them), and held.
    public var openNow: Int
    public var urgentOpenNow: Int
    public var claimedNow: Int

    /// Weeks run on UTC, so that a report reads the same on every volunteer's screen.
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    public init(_ facts: [CaseFacts], weeks count: Int, now: Date) {
        let calendar = Self.calendar
        let currentStart = calendar.dateInterval(of: .weekOfYear, for: now)?.start ?? now
        weeks = (0..<max(1, count)).map { back in
            let start = calendar.date(byAdding: .weekOfYear, value: -back, to: currentStart) ?? currentStart
            let end = calendar.date(byAdding: .weekOfYear, value: 1, to: start) ?? start
            return Self.week(from: start, to: end, isCurrent: back == 0, facts)
        }
        openNow = facts.count { $0.status == .open }
        urgentOpenNow = facts.count { $0.status == .open && $0.urgent }
        claimedNow = facts.count { $0.status == .claimed }
    }

    /// The start of the oldest of the last `count` weeks ending with the one containing `now`.
    public static func startOfWeeks(_ count: Int, endingAt now: Date) -> Date {
        let currentStart = calendar.dateInterval(of: .weekOfYear, for: now)?.start ?? now
        return calendar.date(byAdding: .weekOfYear, value: -(max(1, count) - 1), to: currentStart) ?? currentStart
    }

    /// The nearest-rank percentile: the smallest value with at least `percentile`% of the values at
    /// or below it (rank ⌈p·n/100⌉ of the sorted values). Always a value that occurred; the median
    /// of an even count is the lower middle one. Nil for no values.
    public static func nearestRank(_ percentile: Int, of values: [TimeInterval]) -> TimeInterval? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = max(1, (percentile * sorted.count + 99) / 100)
        return sorted[min(rank, sorted.count) - 1]
    }

    private static func week(from start: Date, to end: Date, isCurrent: Bool, _ facts: [CaseFacts]) -> Week {
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: start)
        var week = Week(
            label: String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0),
            start: start, end: end, isCurrent: isCurrent)
        func inWeek(_ date: Date?) -> Bool { date.map { $0 >= start && $0 < end } ?? false }

        let opened = facts.filter { inWeek($0.openedAt) }
        week.opened = opened.count
        week.urgent = opened.count { $0.urgent }
        week.byTopic = tally(opened.map(\.topic))
        week.byLanguage = tally(opened.map(\.language))

        let claimed = facts.filter { inWeek($0.claimedAt) }
        week.timeToClaim = DurationSummary(claimed.compactMap(\.timeToClaim))

        let closed = facts.filter { $0.status == .closed && inWeek($0.closedAt) }
        let answered = closed.filter { !$0.blocked }
        week.timeToClose = DurationSummary(answered.compactMap(\.timeToClose))
        week.feedback = FeedbackCount(
            yes: answered.count { $0.feedback == "yes" }, no: answered.count { $0.feedback == "no" },
            noAnswer: answered.count { $0.feedback != "yes" && $0.feedback != "no" }, blocked: closed.count - answered.count)

        var loads: [String: VolunteerLoad] = [:]
        for fact in claimed {
            guard let alias = fact.claimedBy else { continue }
            loads[alias, default: VolunteerLoad(alias, claimed: 0, closed: 0)].claimed += 1
        }
        for fact in closed {
            guard let alias = fact.claimedBy else { continue }
            loads[alias, default: VolunteerLoad(alias, claimed: 0, closed: 0)].closed += 1
        }
        week.volunteers = loads.values.sorted {
            ($0.claimed + $0.closed, $1.alias) > ($1.claimed + $1.closed, $0.alias)
        }
        return week
    }

    private static func tally(_ names: [String]) -> [CaseCount] {
        Dictionary(grouping: names, by: { $0 }).map { CaseCount($0.key, $0.value.count) }
            .sorted { ($0.count, $1.name) > ($1.count, $0.name) }
    }
}
