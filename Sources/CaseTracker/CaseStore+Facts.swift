public import Foundation
import GRDB

/// The reads behind the weekly report and the CSV export: one read transaction each, so every
/// figure comes from the same moment, and only the columns `CaseFacts` allows.
extension CaseStore {
    /// The weekly report over the last `weeks` ISO weeks (the current one included).
    public func weeklyReport(weeks: Int = 4, now: Date = Date()) throws -> WeeklyCaseReport {
        let since = WeeklyCaseReport.startOfWeeks(weeks, endingAt: now)
        let facts = try database.read { db in
            // Cases still open or held count in "now"; the others only if something happened in the weeks.
            try Self.fetchFacts(
                db, where: "status != 'closed' OR opened_at >= ?1 OR first_claim >= ?1 OR closed_at >= ?1", [since])
        }
        return WeeklyCaseReport(facts, weeks: weeks, now: now)
    }

    /// Every case opened (or reopened) on or after `date`, oldest first: what `cases export` writes.
    public func caseFacts(openedSince date: Date) throws -> [CaseFacts] {
        try database.read { db in try Self.fetchFacts(db, where: "opened_at >= ?1", [date]) }
    }

    private static func fetchFacts(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [CaseFacts] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM (
                    SELECT c.id, c.status, c.language, c.topic, c.urgent, c.blocked, c.opened_at, c.closed_at,
                        c.claimed_by, c.feedback, c.checkins,
                        (SELECT MIN(e.created_at) FROM case_event e
                         WHERE e.case_id = c.id AND e.kind = 'claim' AND e.created_at >= c.opened_at) AS first_claim
                    FROM helpline_case c)
                WHERE \(condition) ORDER BY id
                """,
            arguments: arguments
        ).map { row in
            CaseFacts(
                id: row["id"], status: CaseStatus(rawValue: row["status"]) ?? .open, language: row["language"],
                topic: row["topic"], urgent: row["urgent"], blocked: row["blocked"], openedAt: row["opened_at"],
                claimedAt: row["first_claim"], closedAt: row["closed_at"], claimedBy: row["claimed_by"],
                feedback: row["feedback"], checkins: row["checkins"] ?? 0)
        }
    }
}
