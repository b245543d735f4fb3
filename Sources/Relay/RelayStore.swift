import PrivateFiles
public import Foundation
import GRDB
import Synchronization
public import PollProtocol

/// The relay's own SQLite file: messages waiting for the bot, replies waiting for the provider.
///
/// Every message is committed before the relay answers 2xx, so a provider's webhook retry or a
/// restart loses nothing; ids are unique, so a retry stores nothing twice.
///
/// It keeps a worker's words only until the other side has them (issue #18): a message the bot acknowledged
/// (by polling past it) and a reply forwarded to the provider (or read by the web form) keep their id and
/// sequence, so that a retry is still recognised, and lose their text; the message's sender goes too. A reply
/// marked `forget` (the bot's last to a worker who said "forget me") takes everything about its recipient
/// with it once it is handed on. Erased content is overwritten (`secure_delete`) and the WAL is emptied after
/// an erasure. What is left of acknowledged rows (ids, sequences, the recipient of forwarded replies, for the
/// relay's figures) goes after `tombstoneLifetime`.
public final class RelayStore: Sendable {
    let database: DatabasePool
    /// The cursor the bot last acknowledged, and when tombstones were last pruned: a poll that acknowledges
    /// nothing new writes nothing (every long-poll passes its cursor), and pruning, a walk of the table, runs
    /// once per `pruneEvery` rather than at every poll or forwarded reply.
    private let housekeeping = Mutex<(acknowledged: Int64, prunedAt: Date)>((0, .distantPast))
    static let pruneEvery: TimeInterval = 3600

    public enum Outcome: Sendable, Equatable {
        case stored(sequence: Int64)
        case duplicate
        /// The id was used before for a different message (IETF idempotency-key draft: 422).
        case conflict
    }

    public struct StoredReply: Sendable, Equatable {
        public var sequence: Int64
        public var message: OutgoingMessage
        public var receivedAt: Date
    }

    public init(path: String, fullSync: Bool = true) throws {
        try PrivateFiles.ownerOnly(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        // Deleted and overwritten content is zeroed in the file, not left in free pages.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
        do {
            database = try DatabasePool(path: path, configuration: configuration)
            // After the pool is open: GRDB sets `synchronous = NORMAL` on the writer when it turns
            // WAL on, after `prepareDatabase`, so a setting made there would not hold.
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(fullSync ? "FULL" : "NORMAL")")
            }
            try Self.migrator.migrate(database)
        } catch {
            throw RelayError("cannot open the relay store at \(path): \(error). Check that the data directory exists and is writable.")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: inbound and outbound") { db in
            // The sequence is the protocol's cursor: the bot asks for what comes after it.
            try db.create(table: "inbound") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("id", .text).notNull().unique()
                t.column("sender", .text).notNull()
                t.column("text", .text).notNull()
                t.column("received_at", .datetime).notNull()
            }
            try db.create(table: "outbound") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("id", .text).notNull().unique()
                t.column("recipient", .text).notNull().indexed()
                t.column("text", .text).notNull()
                t.column("received_at", .datetime).notNull()
                t.column("forwarded_at", .datetime)
                t.column("attempts", .integer).notNull().defaults(to: 0)
                // How often the bot sent this id again (a lost answer): counted, never stored twice.
                t.column("repeats", .integer).notNull().defaults(to: 0)
            }
            try db.create(index: "outbound_pending", on: "outbound", columns: ["forwarded_at", "seq"])
        }
        migrator.registerMigration("v2: acknowledged rows lose their content; forget") { db in
            // When the bot acknowledged a message (its text and sender are gone by then).
            try db.alter(table: "inbound") { t in t.add(column: "acknowledged_at", .datetime) }
            // The bot's last reply to a worker who asked to be forgotten.
            try db.alter(table: "outbound") { t in t.add(column: "forget", .boolean).notNull().defaults(to: false) }
            // When the provider or the form had the reply (its text is gone by then).
            try db.alter(table: "outbound") { t in t.add(column: "handed_at", .datetime) }
        }
        return migrator
    }

    // MARK: Inbound (provider → bot)

    public func addInbound(_ submission: InboundSubmission, at date: Date = Date()) throws -> Outcome {
        try database.write { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT sender, text, acknowledged_at FROM inbound WHERE id = ?", arguments: [submission.id]) {
                // Acknowledged: its content is gone, so a retry can only be taken as the same message.
                if (row["acknowledged_at"] as Date?) != nil { return .duplicate }
                let same = (row["sender"] as String) == submission.from && (row["text"] as String) == submission.text
                return same ? .duplicate : .conflict
            }
            try db.execute(
                sql: "INSERT INTO inbound (id, sender, text, received_at) VALUES (?, ?, ?, ?)",
                arguments: [submission.id, submission.from, submission.text, date])
            return .stored(sequence: db.lastInsertedRowID)
        }
    }

    /// The bot polled with `cursor`: it has committed every message up to it (docs/http-channel.md), so their
    /// text and sender are erased, and what is left of messages acknowledged `tombstoneLifetime` ago goes.
    /// A cursor ahead of every message erases nothing it has not seen. Returns how many were acknowledged.
    @discardableResult
    public func acknowledge(through cursor: Int64, at date: Date = Date()) throws -> Int {
        let from = housekeeping.withLock { $0.acknowledged }
        guard cursor > from else { return 0 }
        let acknowledged = try database.write { db -> Int in
            // The sequence range since the last acknowledgement: the primary key, not a walk of old tombstones.
            try db.execute(
                sql: """
                    UPDATE inbound SET sender = '', text = '', acknowledged_at = ?
                    WHERE seq > ? AND seq <= ? AND acknowledged_at IS NULL
                    """,
                arguments: [date, from, cursor])
            let acknowledged = db.changesCount
            try pruneIfDue(db, at: date)
            return acknowledged
        }
        housekeeping.withLock { $0.acknowledged = max($0.acknowledged, cursor) }
        return acknowledged
    }

    /// Removes what is left of rows acknowledged or handed on more than `tombstoneLifetime` ago, at most once per
    /// `pruneEvery`.
    private func pruneIfDue(_ db: Database, at date: Date) throws {
        guard housekeeping.withLock({ date.timeIntervalSince($0.prunedAt) >= Self.pruneEvery }) else { return }
        let cutoff = date.addingTimeInterval(-Self.tombstoneLifetime)
        try db.execute(sql: "DELETE FROM inbound WHERE acknowledged_at < ?", arguments: [cutoff])
        try db.execute(sql: "DELETE FROM outbound WHERE handed_at < ?", arguments: [cutoff])
        housekeeping.withLock { $0.prunedAt = date }
    }

    /// How long the id and sequence of an acknowledged message (or handed-on reply) are kept: long enough to
    /// recognise a provider's retry or the bot's resend (it gives up after a day, `CaseStore.giveUpAfter`).
    public static let tombstoneLifetime: TimeInterval = 7 * 24 * 3600

    /// The messages after `cursor`, oldest first, and the cursor that follows them.
    public func updates(after cursor: Int64, limit: Int) throws -> UpdatesPage {
        try database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, id, sender, text, received_at FROM inbound
                    WHERE seq > ? AND acknowledged_at IS NULL ORDER BY seq LIMIT ?
                    """,
                arguments: [cursor, limit])
            let formatter = ISO8601DateFormatter()
            let messages = rows.map { row in
                PolledMessage(
                    id: row["id"], from: row["sender"], text: row["text"],
                    sentAt: (row["received_at"] as Date?).map { formatter.string(from: $0) })
            }
            let last: Int64 = rows.last?["seq"] ?? cursor
            return UpdatesPage(messages: messages, cursor: "\(last)")
        }
    }

    // MARK: Outbound (bot → provider)

    public func addOutbound(_ message: OutgoingMessage, at date: Date = Date()) throws -> Outcome {
        try database.write { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT recipient, text, handed_at FROM outbound WHERE id = ?", arguments: [message.id]) {
                // Handed on: its text is gone, so a resend can only be taken as the same reply.
                let same = (row["handed_at"] as Date?) != nil
                    || ((row["recipient"] as String) == message.to && (row["text"] as String) == message.text)
                guard same else { return .conflict }
                try db.execute(sql: "UPDATE outbound SET repeats = repeats + 1 WHERE id = ?", arguments: [message.id])
                return .duplicate
            }
            try db.execute(
                sql: "INSERT INTO outbound (id, recipient, text, received_at, forget) VALUES (?, ?, ?, ?, ?)",
                arguments: [message.id, message.to, message.text, date, message.forget == true])
            return .stored(sequence: db.lastInsertedRowID)
        }
    }

    /// Replies not yet handed to the outbound webhook, oldest first.
    public func pendingForward(limit: Int) throws -> [StoredReply] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, id, recipient, text, received_at FROM outbound WHERE forwarded_at IS NULL ORDER BY seq LIMIT ?",
                arguments: [limit]
            ).map(Self.reply)
        }
    }

    /// The provider took the reply (or refused it for good): its text goes, and a `forget` reply takes its
    /// recipient's rows with it (see `handedOn`).
    public func markForwarded(sequence: Int64, at date: Date = Date()) throws {
        let forgot = try database.write { db -> Bool in
            try db.execute(sql: "UPDATE outbound SET forwarded_at = ? WHERE seq = ?", arguments: [date, sequence])
            return try handedOn(db, where: "seq = ?", arguments: [sequence], at: date)
        }
        if forgot { try emptyWAL() }
    }

    /// Replies now in the provider's or the form's hands (`condition` picks them): their text is erased; for a
    /// reply marked `forget`, the handed-on replies to its recipient lose the recipient too, the last rows that
    /// named them (the messages the bot acknowledged have lost their sender already; one it has not polled yet
    /// stays, to be delivered: a worker may write again right after "forget me"). Returns whether anyone was
    /// forgotten.
    private func handedOn(_ db: Database, where condition: String, arguments: StatementArguments, at date: Date)
        throws -> Bool {
        let forgotten = try String.fetchAll(
            db, sql: "SELECT DISTINCT recipient FROM outbound WHERE handed_at IS NULL AND forget AND \(condition)",
            arguments: arguments)
        try db.execute(
            sql: "UPDATE outbound SET text = '', handed_at = ? WHERE handed_at IS NULL AND \(condition)",
            arguments: StatementArguments([date]) + arguments)
        for recipient in forgotten {
            // The ids stay until `tombstoneLifetime`: a resend after a crash of the bot is still known, not sent twice.
            try db.execute(
                sql: "UPDATE outbound SET recipient = '' WHERE recipient = ? AND handed_at IS NOT NULL", arguments: [recipient])
        }
        try pruneIfDue(db, at: date)
        return !forgotten.isEmpty
    }

    /// After an erasure: the WAL's copies of the erased pages are written back and the file emptied, so the
    /// erased words are in neither file (readers in the middle of a read may delay it to the next erasure).
    private func emptyWAL() throws {
        try database.writeWithoutTransaction { db in
            _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    public func recordForwardAttempt(sequence: Int64) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE outbound SET attempts = attempts + 1 WHERE seq = ?", arguments: [sequence])
        }
    }

    /// Replies to `recipient` after `cursor`, for a web form that polls for its worker's answers. The form's
    /// cursor says it has every reply up to it: those are handed on (see `handedOn`).
    public func replies(to recipient: String, after cursor: Int64, limit: Int, at date: Date = Date()) throws -> [StoredReply] {
        let (replies, forgot) = try database.write { db -> ([StoredReply], Bool) in
            let forgot = cursor > 0
                ? try handedOn(db, where: "recipient = ? AND seq <= ?", arguments: [recipient, cursor], at: date) : false
            let replies = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, id, recipient, text, received_at FROM outbound
                    WHERE recipient = ? AND seq > ? AND handed_at IS NULL ORDER BY seq LIMIT ?
                    """,
                arguments: [recipient, cursor, limit]
            ).map(Self.reply)
            return (replies, forgot)
        }
        if forgot { try emptyWAL() }
        return replies
    }

    private static func reply(_ row: Row) -> StoredReply {
        StoredReply(
            sequence: row["seq"], message: OutgoingMessage(id: row["id"], to: row["recipient"], text: row["text"]),
            receivedAt: row["received_at"])
    }

    // MARK: Figures

    public struct Figures: Sendable, Equatable, Codable {
        public var inbound: Int
        public var outbound: Int
        public var outboundRepeats: Int
        public var forwarded: Int
        public var recipients: Int
    }

    public func figures() throws -> Figures {
        try database.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COUNT(*) FROM inbound) AS inbound, (SELECT COUNT(*) FROM outbound) AS outbound,
                           (SELECT COALESCE(SUM(repeats), 0) FROM outbound) AS repeats,
                           (SELECT COUNT(*) FROM outbound WHERE forwarded_at IS NOT NULL) AS forwarded,
                           (SELECT COUNT(DISTINCT recipient) FROM outbound) AS recipients
                    """)
            return Figures(
                inbound: row?["inbound"] ?? 0, outbound: row?["outbound"] ?? 0, outboundRepeats: row?["repeats"] ?? 0,
                forwarded: row?["forwarded"] ?? 0, recipients: row?["recipients"] ?? 0)
        }
    }

    /// Every stored reply, for audits and tests (how many per recipient).
    public func allReplies() throws -> [StoredReply] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, id, recipient, text, received_at FROM outbound ORDER BY seq").map(Self.reply)
        }
    }

    /// Every inbound id with its sequence, for audits and tests.
    public func inboundSequences() throws -> [String: Int64] {
        try database.read { db in
            var result: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT seq, id FROM inbound") { result[row["id"]] = row["seq"] }
            return result
        }
    }
}

/// A relay problem worded for the operator: what is wrong and what to change.
public struct RelayError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
