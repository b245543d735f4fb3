import PrivateFiles
public import Foundation
import GRDB
public import PollProtocol

/// The relay's own SQLite file: messages waiting for the bot, replies waiting for the provider.
///
/// Every message is committed before the relay answers 2xx, so a provider's webhook retry or a
/// restart loses nothing; ids are unique, so a retry stores nothing twice.
public final class RelayStore: Sendable {
    let database: DatabasePool

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
        return migrator
    }

    // MARK: Inbound (provider → bot)

    public func addInbound(_ submission: InboundSubmission, at date: Date = Date()) throws -> Outcome {
        try database.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT sender, text FROM inbound WHERE id = ?", arguments: [submission.id]) {
                let same = (row["sender"] as String) == submission.from && (row["text"] as String) == submission.text
                return same ? .duplicate : .conflict
            }
            try db.execute(
                sql: "INSERT INTO inbound (id, sender, text, received_at) VALUES (?, ?, ?, ?)",
                arguments: [submission.id, submission.from, submission.text, date])
            return .stored(sequence: db.lastInsertedRowID)
        }
    }

    /// The messages after `cursor`, oldest first, and the cursor that follows them.
    public func updates(after cursor: Int64, limit: Int) throws -> UpdatesPage {
        try database.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT seq, id, sender, text, received_at FROM inbound WHERE seq > ? ORDER BY seq LIMIT ?",
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
            if let row = try Row.fetchOne(db, sql: "SELECT recipient, text FROM outbound WHERE id = ?", arguments: [message.id]) {
                let same = (row["recipient"] as String) == message.to && (row["text"] as String) == message.text
                guard same else { return .conflict }
                try db.execute(sql: "UPDATE outbound SET repeats = repeats + 1 WHERE id = ?", arguments: [message.id])
                return .duplicate
            }
            try db.execute(
                sql: "INSERT INTO outbound (id, recipient, text, received_at) VALUES (?, ?, ?, ?)",
                arguments: [message.id, message.to, message.text, date])
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

    public func markForwarded(sequence: Int64, at date: Date = Date()) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE outbound SET forwarded_at = ? WHERE seq = ?", arguments: [date, sequence])
        }
    }

    public func recordForwardAttempt(sequence: Int64) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE outbound SET attempts = attempts + 1 WHERE seq = ?", arguments: [sequence])
        }
    }

    /// Replies to `recipient` after `cursor`, for a web form that polls for its worker's answers.
    public func replies(to recipient: String, after cursor: Int64, limit: Int) throws -> [StoredReply] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, id, recipient, text, received_at FROM outbound WHERE recipient = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [recipient, cursor, limit]
            ).map(Self.reply)
        }
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
