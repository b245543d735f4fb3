import Foundation

/// Cases as CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, a
/// quote or a line break, quotes doubled), for operators' own spreadsheets and reports.
///
/// Built from `CaseFacts` only, so it cannot hold a pseudonym, a channel, an address or any words.
public enum CaseExport {
    public static let columns = [
        "id", "opened_at", "language", "topic", "urgent", "status", "claimed_by", "claimed_at", "closed_at",
        "minutes_to_claim", "minutes_to_close", "feedback", "checkins",
    ]

    /// The header and one record per case. Times are ISO 8601 in UTC; `claimed_at` is the first
    /// claim since the case opened; minutes are whole minutes, rounded; an empty field is unknown
    /// or not yet (not claimed, not closed, no answer).
    public static func csv(_ cases: [CaseFacts]) -> String {
        var text = record(columns)
        for fact in cases {
            text += record([
                String(fact.id), time(fact.openedAt), fact.language, fact.topic, fact.urgent ? "1" : "0", fact.status.rawValue,
                fact.claimedBy ?? "", time(fact.claimedAt), time(fact.closedAt), minutes(fact.timeToClaim),
                minutes(fact.timeToClose), fact.feedback ?? "", String(fact.checkins),
            ])
        }
        return text
    }

    static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    static func field(_ value: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func time(_ date: Date?) -> String {
        date.map { $0.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)) } ?? ""
    }

    private static func minutes(_ seconds: TimeInterval?) -> String {
        seconds.map { String(Int(($0 / 60).rounded())) } ?? ""
    }
}
