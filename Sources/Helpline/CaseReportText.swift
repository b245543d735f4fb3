public import CaseTracker
public import Foundation

/// The weekly case report in words: a few short lines for a volunteer on IRC (`!stats`), and one
/// block per week for `entraide cases stats`. Figures only: no case's worker, no words.
public enum CaseReportText {
    /// The current week in at most six short lines, for `!stats` (answered in private, on a phone).
    public static func short(_ report: WeeklyCaseReport) -> [String] {
        guard let week = report.weeks.first else { return ["No figures."] }
        var lines = [
            "Week \(week.label)\(week.isCurrent ? " so far" : ""): \(week.opened) opened, \(week.urgent) urgent · now \(waiting(report)), \(report.claimedNow) held"
        ]
        if week.opened > 0 {
            lines.append("Topics: \(counts(week.byTopic, top: 4))")
            lines.append("Languages: \(counts(week.byLanguage, top: 5))")
        }
        lines.append(
            "Wait for a claim: \(summary(week.timeToClaim, short: true)) · to close: \(summary(week.timeToClose, short: true))")
        lines.append("Did it help? \(feedback(week.feedback))")
        if !week.volunteers.isEmpty {
            let loads = week.volunteers.prefix(5).map { "\($0.alias) \($0.claimed)/\($0.closed)" }.joined(separator: ", ")
            lines.append("Claimed/closed: \(loads)\(week.volunteers.count > 5 ? ", +\(week.volunteers.count - 5) more" : "")")
        }
        return lines
    }

    /// Every week of the report, newest first, with every topic, language and volunteer.
    public static func long(_ report: WeeklyCaseReport) -> [String] {
        var lines = ["Now: \(waiting(report)), \(report.claimedNow) held by a volunteer."]
        let day = Date.ISO8601FormatStyle(timeZone: WeeklyCaseReport.calendar.timeZone).year().month().day()
        for week in report.weeks {
            lines.append("")
            lines.append(
                "\(week.label) (from \(week.start.formatted(day))\(week.isCurrent ? ", this week so far" : "")): "
                    + "\(week.opened == 1 ? "1 case" : "\(week.opened) cases") opened, \(week.urgent) urgent")
            if week.opened > 0 {
                lines.append("  by topic:      \(counts(week.byTopic, top: .max))")
                lines.append("  by language:   \(counts(week.byLanguage, top: .max))")
            }
            lines.append("  time to claim: \(summary(week.timeToClaim, short: false))")
            lines.append("  time to close: \(summary(week.timeToClose, short: false))")
            lines.append("  did it help:   \(feedback(week.feedback))")
            let loads = week.volunteers.map { "\($0.alias) claimed \($0.claimed), closed \($0.closed)" }
            lines.append("  volunteers:    \(loads.isEmpty ? "none" : loads.joined(separator: "; "))")
        }
        return lines
    }

    /// "12 min", "2 h 5 min", "1 d 3 h": as precise as a reader needs at that scale.
    public static func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int((seconds / 60).rounded())
        if minutes < 1 { return "<1 min" }
        if minutes < 60 { return "\(minutes) min" }
        if minutes < 24 * 60 { return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min" }
        let hours = (minutes + 30) / 60
        return hours % 24 == 0 ? "\(hours / 24) d" : "\(hours / 24) d \(hours % 24) h"
    }

    private static func waiting(_ report: WeeklyCaseReport) -> String {
        "\(report.openNow) waiting" + (report.urgentOpenNow > 0 ? " (\(report.urgentOpenNow) urgent)" : "")
    }

    private static func counts(_ counts: [CaseCount], top: Int) -> String {
        let shown = counts.prefix(top).map { "\($0.name) \($0.count)" }
        let rest = counts.dropFirst(top).reduce(0) { $0 + $1.count }
        return (shown + (rest > 0 ? ["others \(rest)"] : [])).joined(separator: ", ")
    }

    private static func summary(_ durations: DurationSummary, short: Bool) -> String {
        guard let median = durations.median, let high = durations.percentile90 else { return "none yet" }
        let cases = durations.count == 1 ? "1 case" : "\(durations.count) cases"
        return short
            ? "median \(duration(median)), 90% \(duration(high)) (\(durations.count))"
            : "median \(duration(median)), 90th percentile \(duration(high)) (\(cases))"
    }

    private static func feedback(_ count: FeedbackCount) -> String {
        "yes \(count.yes), no \(count.no), no answer \(count.noAnswer)" + (count.blocked > 0 ? "; blocked \(count.blocked)" : "")
    }
}
