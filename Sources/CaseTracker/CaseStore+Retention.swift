public import Foundation
import GRDB

/// What a retention purge erased.
public struct PurgeReport: Sendable, Equatable {
    public var cases: Int
    public var conversations: Int
    public var messages: Int

    public var isEmpty: Bool { cases == 0 && conversations == 0 && messages == 0 }
}

extension CaseStore {
    /// Erases what is older than the policy: closed cases closed before `now - retention` (with
    /// their events), and conversations idle since then whose worker has no open case (with their
    /// messages, replies, unanswered questions and address). Running it twice erases nothing more.
    public func purge(olderThan retention: TimeInterval, now: Date = Date()) throws -> PurgeReport {
        let cutoff = now.addingTimeInterval(-retention)
        let report = try database.write { db -> PurgeReport in
            try db.execute(
                sql: "DELETE FROM helpline_case WHERE status = 'closed' AND closed_at < ?", arguments: [cutoff])
            let cases = db.changesCount
            let idle = try String.fetchAll(
                db,
                sql: """
                    SELECT pseudonym FROM conversation WHERE updated_at < ?
                    AND pseudonym NOT IN (SELECT pseudonym FROM helpline_case WHERE status IN ('open', 'claimed'))
                    AND pseudonym NOT IN (SELECT pseudonym FROM outbox WHERE delivered_at IS NULL)
                    AND pseudonym NOT IN (SELECT pseudonym FROM inbox WHERE processed_at IS NULL)
                    """,
                arguments: [cutoff])
            var messages = 0
            for pseudonym in idle {
                // Closed cases went above, by their own date; open ones keep the worker out of `idle`.
                for table in Self.tablesAboutAWorker where table != "helpline_case" {
                    try db.execute(sql: "DELETE FROM \(table) WHERE pseudonym = ?", arguments: [pseudonym])
                    if table == "inbox" || table == "outbox" { messages += db.changesCount }
                }
            }
            try db.execute(sql: "DELETE FROM announcement WHERE delivered_at < ?", arguments: [cutoff])
            let report = PurgeReport(cases: cases, conversations: idle.count, messages: messages)
            if !report.isEmpty {
                try Self.appendAudit(
                    db, actor: "retention", action: "purge", caseID: nil, outcome: "ok",
                    detail: "cases \(cases), conversations \(idle.count)", at: now)
            }
            return report
        }
        // Always: addresses removed on delivery since the last run may still sit in free space.
        try compact()
        return report
    }
}
