import ChannelRecords
import Foundation
import GRDB

// The store's rows as GRDB records, one per table it reads, as GRDB recommends: each names its table and the
// columns it reads (`columns`, the text its SQL selects, and `databaseSelection`, the same for GRDB's query
// interface), and decodes a row by position, in that order. By position, not by name: a value looked up by its
// column's name compares that name with the row's column names, for every value of every row, and the engine
// reads a conversation, a case and its pending rows for every message (issue #17). The SQL stays written out
// (and prepared once, `CachedStatements`): it says what each query does, indexes and conditions included.
//
// Each record wraps the domain value it reads (`InboxItem`, `HelplineCase`, …): those are the store's public API
// and the channels' (ChannelRecords), which know nothing of GRDB. Tables read only a value at a time
// (`conversation`'s state, `worker_address`, `channel_cursor`) need no record.

/// A record whose SQL names its columns in the order `init(row:)` reads them.
protocol StoredRecord: FetchableRecord, TableRecord {
    /// The columns, comma-separated, as the record's queries select them.
    static var columns: String { get }
}

extension StoredRecord {
    /// GRDB's query interface (`InboxRow.fetchAll(db)`) selects these too, so that it decodes what `init(row:)`
    /// expects: its default, `*`, would put other columns at the positions read.
    static var databaseSelection: [any SQLSelectable] {
        columns.split(separator: ",").map { Column(String($0.trimmingCharacters(in: .whitespaces))) }
    }
}

/// `inbox`: a message waiting for the engine.
struct InboxRow: StoredRecord {
    static let databaseTableName = "inbox"
    static let columns = "id, channel, pseudonym, text"
    var item: InboxItem
    init(row: Row) { item = InboxItem(id: row[0], channel: row[1], pseudonym: row[2], text: row[3]) }
}

/// `outbox` with the worker's address (`worker_address`): a reply to send, and where. Two tables, so not a
/// `TableRecord`: only its SQL, which joins them, reads it.
struct PendingOutboxRow: FetchableRecord {
    static let columns = "o.id, o.key, o.channel, o.pseudonym, o.text, a.address, o.ends_erasure"
    var item: OutboxItem
    init(row: Row) {
        item = OutboxItem(id: row[0], key: row[1], channel: row[2], address: row[5], pseudonym: row[3], text: row[4],
                          endsErasure: row[6])
    }
}

/// `announcement`: a line for the volunteers' channel or a volunteer, not yet delivered.
struct PendingAnnouncementRow: StoredRecord {
    static let databaseTableName = "announcement"
    static let columns = "id, target, text"
    var announcement: PendingAnnouncement
    init(row: Row) { announcement = PendingAnnouncement(id: row[0], target: row[1], text: row[2]) }
}

/// `helpline_case`.
struct CaseRow: StoredRecord {
    static let databaseTableName = "helpline_case"
    static let columns = """
        id, pseudonym, channel, language, topic, urgent, status, claimed_by, blocked, outcome, opened_at, claimed_at, \
        closed_at, reminded_at, checkins, checked_in_at, feedback, offered_to, offered_at
        """
    var found: HelplineCase
    init(row: Row) {
        found = HelplineCase(
            id: row[0], pseudonym: row[1], channel: row[2], language: row[3], topic: row[4], urgent: row[5],
            status: CaseStatus(rawValue: row[6]) ?? .open, claimedBy: row[7], blocked: row[8], outcome: row[9],
            openedAt: row[10], claimedAt: row[11], closedAt: row[12], remindedAt: row[13], checkins: row[14] ?? 0,
            checkedInAt: row[15], feedback: row[16], offeredTo: row[17], offeredAt: row[18])
    }
}

/// `case_event`: one line of a case's history.
struct CaseEventRow: StoredRecord {
    static let databaseTableName = "case_event"
    static let columns = "kind, actor, text, created_at"
    var event: CaseEvent
    init(row: Row) { event = CaseEvent(kind: CaseEvent.Kind(rawValue: row[0]) ?? .note, actor: row[1], text: row[2], at: row[3]) }
}

/// `volunteer`.
struct VolunteerRow: StoredRecord {
    static let databaseTableName = "volunteer"
    static let columns = "alias, languages, irc_account, revoked_at"
    var volunteer: Volunteer
    init(row: Row) {
        volunteer = Volunteer(
            alias: row[0], languages: (row[1] as String).split(separator: ",").map(String.init), ircAccount: row[2],
            active: (row[3] as Date?) == nil)
    }
}

/// `audit`: one link of the audit chain.
struct AuditRow: StoredRecord {
    static let databaseTableName = "audit"
    static let columns = "id, at, actor, action, case_id, outcome, detail, previous_hash, hash, detail_digest, keyed"
    var record: AuditRecord
    init(row: Row) {
        record = AuditRecord(
            id: row[0], at: row[1], actor: row[2], action: row[3], caseID: row[4], outcome: row[5], detail: row[6],
            previousHash: row[7], hash: row[8], detailDigest: row[9], keyed: row[10])
    }
}

/// `unanswered`: a question for the operators' gap report.
struct UnansweredRow: StoredRecord {
    static let databaseTableName = "unanswered"
    static let columns = "text, language, decision"
    var question: UnansweredQuestion
    init(row: Row) { question = UnansweredQuestion(text: row[0], language: row[1], decision: row[2]) }
}
