@_exported public import ChannelRecords
import PrivateFiles
public import Foundation
import GRDB
public import Logging

/// The durable heart of the helpline: SQLite through GRDB, the only code that writes SQL.
///
/// Messages are committed here before their channel acknowledges them; replies wait in the
/// outbox until their channel confirms the send. A crash between two steps repeats a step,
/// and the unique keys make the repeat harmless.
public final class CaseStore: Sendable {
    public enum Durability: String, Sendable {
        /// fsync at every commit: an acknowledged message survives a power cut. The default.
        case full
        /// fsync at checkpoints only: survives a process crash, may lose the last commits on power loss.
        case normal
    }

    /// Every table that holds something about one worker, by pseudonym: one list, so that erasure
    /// and retention cannot forget a table. The address comes last.
    static let tablesAboutAWorker = [
        "inbox", "outbox", "conversation", "unanswered", "helpline_case", "announcement", "worker_address",
    ]

    /// Internal, not private: extensions in other files of the module (one per concern) use it.
    let database: DatabasePool
    let logger: Logger
    /// The audit chain's key (`Pseudonymizer.derivedKey(for: "audit")`, kept apart from the database): new records
    /// are linked by HMACs under it, which whoever holds only the database cannot recompute after an edit. Nil
    /// (tests, tools that read only): plain SHA-256 links, marked unkeyed.
    let auditKey: [UInt8]?

    /// Opens (and creates or migrates) the store at `path`.
    public init(
        path: String, durability: Durability = .full, logger: Logger = Logger(label: "entraide.store"),
        auditKey: [UInt8]? = nil
    ) throws {
        // The workers' words and addresses: owner-only, as are SQLite's -wal and -shm, which take the file's mode.
        try PrivateFiles.ownerOnly(path)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Erased rows are overwritten, not left in free pages ("forget me" must mean it).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // The audit chain's links are computed in the connection (`appendAudit` is called inside many
            // transactions), with the key captured here rather than stored anywhere in the database.
            db.add(function: DatabaseFunction("audit_link", argumentCount: 1, pure: true) { values in
                guard let text = String.fromDatabaseValue(values[0]) else { return nil }
                return CaseStore.auditLink(text, key: auditKey)
            })
            db.add(function: DatabaseFunction("audit_keyed", argumentCount: 0, pure: true) { _ in auditKey != nil })
        }
        // Another process (an operator's command) may hold the write lock for a moment.
        configuration.busyMode = .timeout(5)
        do {
            database = try Self.openMigrated(path: path, configuration: configuration, durability: durability)
        } catch {
            throw StoreError("cannot open the case store at \(path): \(error). Check that the data directory exists and is writable.")
        }
        self.logger = logger
        self.auditKey = auditKey
    }

    /// One link of the audit chain: HMAC-SHA256 under the key, or SHA-256 without one.
    static func auditLink(_ text: String, key: [UInt8]?) -> String {
        key.map { Digest.hmacSHA256Hex(key: $0, text) } ?? Digest.sha256Hex(text)
    }

    /// Opens the pool and migrates, again when another process got there first: `serve` and an operator's
    /// `entraide volunteers add` started together on a new data directory both see an empty store. GRDB
    /// checks which migrations are applied before it takes the write lock, and its barrier holds within one
    /// process only, so the second failed on "table … already exists"; turning WAL on, the first may also
    /// find the file locked ("database is locked", which the busy timeout does not cover). Each migration is
    /// one transaction, so a retry sees the other's work and applies only what is left.
    static func openMigrated(path: String, configuration: Configuration, durability: Durability, attempts: Int = 8) throws
        -> DatabasePool {
        for attempt in 1... {
            do {
                let database = try DatabasePool(path: path, configuration: configuration)
                // After the pool is open: GRDB sets `synchronous = NORMAL` on the writer when it turns
                // WAL on, after `prepareDatabase`, so a setting made there would not hold.
                try database.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
                }
                try Migrations.migrator.migrate(database)
                return database
            } catch let error as DatabaseError
                where attempt < attempts && (error.resultCode == .SQLITE_ERROR || error.resultCode == .SQLITE_BUSY) {
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            }
        }
        fatalError("unreachable: the last attempt returns or throws")
    }

    // MARK: Inbox

    /// Stores an incoming message (and the worker's address) in one transaction.
    /// A channel acknowledges the message to its peer only after this returns.
    public func receive(_ message: InboundMessage, pseudonym: String, at date: Date = Date()) throws -> ReceiveOutcome {
        try database.write { db in
            let exists = try Bool.fetchOne(
                db, cached: "SELECT EXISTS(SELECT 1 FROM inbox WHERE channel = ? AND message_id = ?)",
                arguments: [message.channel, message.messageID]) ?? false
            if exists { return .duplicate }
            try Self.keepAddress(db, of: pseudonym, message)
            try db.execute(
                cached: "INSERT INTO inbox (channel, message_id, pseudonym, text, received_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [message.channel, message.messageID, pseudonym, message.text, date.storedText])
            return .stored(inboxID: db.lastInsertedRowID, pseudonym: pseudonym)
        }
    }

    /// The one place a raw address is written: apart from everything else, one row per worker,
    /// the latest channel and address (where the next reply goes).
    static func keepAddress(_ db: Database, of pseudonym: String, _ message: InboundMessage) throws {
        try db.execute(
            cached: """
                INSERT INTO worker_address (pseudonym, channel, address) VALUES (?, ?, ?)
                ON CONFLICT(pseudonym) DO UPDATE SET channel = excluded.channel, address = excluded.address
                """,
            arguments: [pseudonym, message.channel, message.address])
    }

    /// Messages not yet handled by the engine, oldest first.
    public func pendingInbox(limit: Int = 100) throws -> [InboxItem] {
        try database.read { db in try Self.pendingInbox(db, limit: limit) }
    }

    static func pendingInbox(_ db: Database, limit: Int) throws -> [InboxItem] {
        try InboxRow.fetchAll(
            db, cached: "SELECT \(InboxRow.columns) FROM inbox WHERE processed_at IS NULL ORDER BY id LIMIT ?",
            arguments: [limit]
        ).map(\.item)
    }

    // MARK: Conversations

    public func conversation(of pseudonym: String) throws -> ConversationState {
        try database.read { db in try EngineTransaction(db).conversation(of: pseudonym) }
    }

    /// Records what the engine decided for one inbox message, all or nothing, in a transaction of its own (see
    /// `EngineTransaction.complete`; the engine itself uses `processInbox`).
    public func complete(
        _ item: InboxItem, state: ConversationState, replies: [String], eraseWorker: Bool = false,
        unanswered: UnansweredQuestion? = nil, announcements: [Announcement] = [], at date: Date = Date()
    ) throws {
        try database.write { db in
            try EngineTransaction(db).complete(
                item, state: state, replies: replies, eraseWorker: eraseWorker, unanswered: unanswered,
                announcements: announcements, at: date)
        }
        if eraseWorker { compactAfterErasure() }
    }

    // MARK: Outbox

    /// Replies not yet confirmed sent on `channel`, oldest first, with the address to send to.
    ///
    /// `excluding`: workers whose replies are held back (their address could not be reached just now). They are
    /// left out of the query, not filtered after it: otherwise a few hundred replies to workers who left would
    /// fill every page and stop the channel for everyone else.
    public func pendingOutbox(channel: String, limit: Int = 100, excluding held: Set<String> = []) throws -> [OutboxItem] {
        let heldJSON = String(decoding: try JSONEncoder().encode(held.sorted()), as: UTF8.self)
        return try database.read { db in
            try PendingOutboxRow.fetchAll(
                db,
                cached: """
                    SELECT \(PendingOutboxRow.columns) FROM outbox o
                    JOIN worker_address a ON a.pseudonym = o.pseudonym
                    WHERE o.channel = ? AND o.delivered_at IS NULL
                        AND o.pseudonym NOT IN (SELECT value FROM json_each(?))
                    ORDER BY o.id LIMIT ?
                    """,
                arguments: [channel, heldJSON, limit]
            ).map(\.item)
        }
    }

    /// Called only after the channel confirmed the send. A worker's raw address is kept only
    /// while something needs it — a reply still to send, a message still to handle, an open
    /// case — and removed here as soon as nothing does (the next message brings it back).
    /// When the worker was erased (no conversation left), their last replies go too.
    public func markDelivered(_ item: OutboxItem, at date: Date = Date()) throws {
        try record([.delivered(item)], at: date)
    }

    /// How long a reply that cannot be delivered (its worker left IRC, or the HTTP recipient answers 403 because
    /// they blocked the bot) is tried again before it is removed: a day, as issue #17 asked.
    public static let giveUpAfter: TimeInterval = 24 * 3600

    public typealias Delivery = ChannelRecords.Delivery

    /// Records every outcome of one proof in one transaction (one commit, one sync with durability `full`).
    /// A delivered reply may end an erasure (see `finishErasureIfDone`), compacted once committed.
    public func record(_ deliveries: [Delivery], at date: Date = Date(), giveUpAfter: TimeInterval = CaseStore.giveUpAfter) throws {
        guard !deliveries.isEmpty else { return }
        var givenUp = 0
        let erasureFinished = try database.write { db -> Bool in
            var erased = false
            for delivery in deliveries {
                switch delivery {
                case .delivered(let item):
                    try db.execute(cached: "UPDATE outbox SET delivered_at = ? WHERE id = ?", arguments: [date.storedText, item.id])
                    erased = try Self.finishErasureIfDone(db, of: item.pseudonym, at: date) || erased
                case .notDelivered(let item):
                    try db.execute(cached: "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", arguments: [item.id])
                case .undeliverable(let item):
                    try db.execute(cached: "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", arguments: [item.id])
                    try db.execute(
                        cached: "DELETE FROM outbox WHERE id = ? AND created_at < ?",
                        arguments: [item.id, date.addingTimeInterval(-giveUpAfter).storedText])
                    if db.changesCount == 1 {
                        givenUp += 1
                        erased = try Self.finishErasureIfDone(db, of: item.pseudonym, at: date) || erased
                    }
                case .announcementDelivered(let id):
                    try db.execute(cached: "UPDATE announcement SET delivered_at = ? WHERE id = ?", arguments: [date.storedText, id])
                case .announcementNotDelivered(let id):
                    try db.execute(cached: "UPDATE announcement SET attempts = attempts + 1 WHERE id = ?", arguments: [id])
                case .announcementUndeliverable(let id, let reason):
                    try db.execute(
                        cached: "UPDATE announcement SET failed_reason = ?, attempts = attempts + 1 WHERE id = ? AND delivered_at IS NULL",
                        arguments: [reason, id])
                }
            }
            return erased
        }
        if givenUp > 0 { logger.info("outbox.given_up", metadata: ["replies": "\(givenUp)"]) }
        if erasureFinished {
            // The erasure is committed; a failed compaction (no room for the rewrite) must not
            // make the channel believe the delivery failed. The next retention run compacts.
            do { try compact() } catch { logger.warning("store.compaction_failed", metadata: ["error": "\(error)"]) }
            logger.info("worker.erased")
        }
    }

    /// After a delivery: once nothing more is owed to the worker (no reply pending, no message unread, no case
    /// open), their address goes; and if they asked to be forgotten (their conversation is gone), the rest of
    /// their rows too. Returns whether an erasure finished.
    static func finishErasureIfDone(_ db: Database, of pseudonym: String, at date: Date) throws -> Bool {
        let stillNeeded = try Bool.fetchOne(
            db,
            cached: """
                SELECT EXISTS(SELECT 1 FROM outbox WHERE pseudonym = ?1 AND delivered_at IS NULL)
                    OR EXISTS(SELECT 1 FROM inbox WHERE pseudonym = ?1 AND processed_at IS NULL)
                    OR EXISTS(SELECT 1 FROM helpline_case WHERE pseudonym = ?1 AND status IN ('open', 'claimed'))
                """,
            arguments: [pseudonym]) ?? true
        guard !stillNeeded else { return false }
        try db.execute(cached: "DELETE FROM worker_address WHERE pseudonym = ?", arguments: [pseudonym])
        let erased = try Bool.fetchOne(
            db, cached: "SELECT NOT EXISTS(SELECT 1 FROM conversation WHERE pseudonym = ?)", arguments: [pseudonym]) ?? false
        if erased {
            try db.execute(cached: "DELETE FROM outbox WHERE pseudonym = ?", arguments: [pseudonym])
            try db.execute(cached: "DELETE FROM inbox WHERE pseudonym = ?", arguments: [pseudonym])
            try appendAudit(db, actor: "worker", action: "erase", caseID: nil, outcome: "ok", detail: "forget me", at: date)
        }
        return erased
    }

    public func recordAttempt(_ item: OutboxItem) throws {
        try record([.notDelivered(item)])
    }

    /// Every stored unanswered question, newest first, for the operators' gap report.
    public func unansweredQuestions(limit: Int = 10_000) throws -> [UnansweredQuestion] {
        try database.read { db in
            try UnansweredRow.fetchAll(
                db, cached: "SELECT \(UnansweredRow.columns) FROM unanswered ORDER BY id DESC LIMIT ?", arguments: [limit]
            ).map(\.question)
        }
    }

    /// Forgets the unanswered questions with these texts once an operator has dealt with them
    /// (`entraide intents learn`); returns how many rows went.
    @discardableResult
    public func removeUnansweredQuestions(_ texts: [String]) throws -> Int {
        try database.write { db in
            var removed = 0
            for text in Set(texts) {
                try db.execute(cached: "DELETE FROM unanswered WHERE text = ?", arguments: [text])
                removed += db.changesCount
            }
            return removed
        }
    }

    // MARK: Cursors

    public func cursor(of channel: String) throws -> String? {
        try database.read { db in
            try String.fetchOne(db, cached: "SELECT cursor FROM channel_cursor WHERE channel = ?", arguments: [channel])
        }
    }

    // MARK: Erasure

    /// Erases everything about a worker: messages, replies, conversation, cases and their notes,
    /// unanswered questions, address. `secure_delete` overwrites the rows; the checkpoint moves
    /// the WAL into the main file and truncates it, so the bytes are gone from both. The audit
    /// log records that an erasure happened, and nothing of what was erased. Returns whether
    /// there was anything to erase.
    @discardableResult
    public func erase(pseudonym: String, by actor: String = "operator", at date: Date = Date()) throws -> Bool {
        let found = try database.write { db -> Bool in
            var removed = 0
            for table in Self.tablesAboutAWorker {
                try db.execute(cached: "DELETE FROM \(table) WHERE pseudonym = ?", arguments: [pseudonym])
                removed += db.changesCount
            }
            try Self.appendAudit(
                db, actor: actor, action: "erase", caseID: nil, outcome: removed > 0 ? "ok" : "nothing", detail: "", at: date)
            return removed > 0
        }
        try compact()
        logger.info("worker.erased")
        return found
    }

    /// Moves the WAL into the main file and truncates it, so erased bytes leave the WAL too.
    public func checkpoint() throws {
        _ = try database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    /// Rewrites the file with only what is live, then checkpoints. `secure_delete` zeroes a row
    /// where it is deleted, but a copy left behind when SQLite moved rows between pages (a page
    /// split as the address table grew) stays in the page's free space until the page is
    /// rebuilt: found by the canary test, which saw addresses deleted hours earlier in the file.
    /// Run after every erasure and with every retention run (every six hours).
    public func compact() throws {
        try database.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") }
        try checkpoint()
    }

    /// SQLite's own consistency check; "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try database.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}
