public import Foundation

/// The dates people write when they check something in the answer files and directories (`reviewed` on an
/// answer, `verified` on a crisis line or a referral: YYYY-MM-DD), and how old such a check may get before
/// `intents check` and the log ask for it again. One place for both rules.
public enum CheckDate {
    /// Six months: facts about platforms, laws and phone numbers change.
    public static let maximumAge: TimeInterval = 183 * 86_400

    /// `2026-11-29` as midnight UTC, or nil when it is not three numbers for a year, a month and a day.
    public static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    /// Whether a check dated `text` is older than `maximumAge` at `now` (an unreadable date is not: the
    /// loaders refuse those).
    public static func isStale(_ text: String, at now: Date) -> Bool {
        day(text).map { now.timeIntervalSince($0) > maximumAge } ?? false
    }
}
