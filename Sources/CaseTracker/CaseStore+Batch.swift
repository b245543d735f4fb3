public import Foundation
import GRDB

/// One message of a polled batch, with the pseudonym its sender already has.
public struct BatchMessage: Sendable {
    public var message: InboundMessage
    public var pseudonym: String
    /// Set when the helpline will not read this message (the sender is over the rate limit).
    public var refusal: Refusal?

    public init(message: InboundMessage, pseudonym: String, refusal: Refusal? = nil) {
        self.message = message
        self.pseudonym = pseudonym
        self.refusal = refusal
    }
}

extension CaseStore {
    /// Stores a polled batch and moves the channel's cursor past it, in one transaction.
    ///
    /// This is what lets a polling channel acknowledge (send the new cursor to its endpoint) only
    /// what is durable: either the messages and the cursor are both committed, or neither is, and
    /// a repeat of the same batch after a crash stores nothing twice (channel + message id).
    public func receive(batch: [BatchMessage], cursor: String?, channel: String, at date: Date = Date()) throws -> BatchOutcome {
        try database.write { db in try Self.insert(batch, cursor: cursor, channel: channel, at: date, in: db) }
    }

    /// Stores a batch as `receive(batch:cursor:channel:at:)` does and, in the same transaction, runs the engine
    /// (`handle`) over up to `limit` pending inbox rows, as `processInbox` does: one commit (one sync with
    /// durability `full`) for a batch read and answered, instead of one to store it and one to answer it, and no
    /// hand-over to another task in between. The batch is stored even when the engine fails on a row (each row
    /// is its own savepoint, as in `processInbox`): the failure is returned, and the rows stay pending.
    public func receiveAndProcess(
        batch: [BatchMessage], cursor: String?, channel: String, at date: Date = Date(), limit: Int = 100,
        _ handle: (EngineTransaction, InboxItem) throws -> Void
    ) throws -> (outcome: BatchOutcome, processed: Int, failure: (any Error)?) {
        let erasures = EngineTransaction.ErasureFlag()
        let result = try database.write { db -> (BatchOutcome, Int, (any Error)?) in
            let outcome = try Self.insert(batch, cursor: cursor, channel: channel, at: date, in: db)
            let (processed, failure) = try Self.process(db, limit: limit, erasures: erasures, handle)
            return (outcome, processed, failure)
        }
        if erasures.erased { compactAfterErasure() }
        return result
    }

    private static func insert(_ batch: [BatchMessage], cursor: String?, channel: String, at date: Date, in db: Database)
        throws -> BatchOutcome {
        var outcome = BatchOutcome(stored: 0, duplicates: 0)
        for item in batch {
            let message = item.message
            let exists = try Bool.fetchOne(
                db, cached: "SELECT EXISTS(SELECT 1 FROM inbox WHERE channel = ? AND message_id = ?)",
                arguments: [message.channel, message.messageID]) ?? false
            if exists {
                outcome.duplicates += 1
                continue
            }
            if let refusal = item.refusal {
                try Self.recordRefusal(db, message, pseudonym: item.pseudonym, notice: refusal.notice, at: date)
                outcome.refused += 1
                continue
            }
            try Self.keepAddress(db, of: item.pseudonym, message)
            try db.execute(
                cached: "INSERT INTO inbox (channel, message_id, pseudonym, text, received_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [message.channel, message.messageID, item.pseudonym, message.text, date.storedText])
            outcome.stored += 1
        }
        guard let cursor else { return outcome }
        try db.execute(
            cached: """
                INSERT INTO channel_cursor (channel, cursor) VALUES (?, ?)
                ON CONFLICT(channel) DO UPDATE SET cursor = excluded.cursor
                """,
            arguments: [channel, cursor])
        return outcome
    }

    /// A channel's cursor and the ids of its stored messages, read in one transaction: an audit
    /// (and the tests) can check that the cursor never covers a message that is not stored.
    public func committedSnapshot(channel: String) throws -> (cursor: String?, messageIDs: Set<String>) {
        try database.read { db in
            let cursor = try String.fetchOne(db, cached: "SELECT cursor FROM channel_cursor WHERE channel = ?", arguments: [channel])
            let ids = try String.fetchSet(db, cached: "SELECT message_id FROM inbox WHERE channel = ?", arguments: [channel])
            return (cursor, ids)
        }
    }
}
