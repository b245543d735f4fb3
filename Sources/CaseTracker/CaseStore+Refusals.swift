public import Foundation
import GRDB

/// Why the helpline will not read a message, and what (if anything) to tell its sender.
public struct Refusal: Sendable, Equatable {
    /// Sent once to the sender; nil when they were told recently (a flood gets one notice, not one per message).
    public var notice: String?

    public init(notice: String?) {
        self.notice = notice
    }
}

extension CaseStore {
    /// Acknowledges a message the helpline will not read (its sender is over the rate limit).
    ///
    /// Its id is kept, with no text and marked processed, so that a redelivery after a crash is
    /// a duplicate and the sender is not told twice. Its words are never stored. The address is
    /// stored only when there is a notice to deliver, and goes once the notice is delivered
    /// (`markDelivered`), like every other reply's.
    public func refuse(_ message: InboundMessage, pseudonym: String, notice: String?, at date: Date = Date()) throws -> ReceiveOutcome {
        try database.write { db in
            let exists = try Bool.fetchOne(
                db, cached: "SELECT EXISTS(SELECT 1 FROM inbox WHERE channel = ? AND message_id = ?)",
                arguments: [message.channel, message.messageID]) ?? false
            if exists { return .duplicate }
            try Self.recordRefusal(db, message, pseudonym: pseudonym, notice: notice, at: date)
            return .refused
        }
    }

    static func recordRefusal(_ db: Database, _ message: InboundMessage, pseudonym: String, notice: String?, at date: Date) throws {
        try db.execute(
            cached: "INSERT INTO inbox (channel, message_id, pseudonym, text, received_at, processed_at) VALUES (?, ?, ?, '', ?, ?)",
            arguments: [message.channel, message.messageID, pseudonym, date.storedText, date.storedText])
        guard let notice else { return }
        let inboxID = db.lastInsertedRowID
        try keepAddress(db, of: pseudonym, message)
        try db.execute(
            cached: "INSERT INTO outbox (key, channel, pseudonym, text, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING",
            arguments: ["refused-\(inboxID)", message.channel, pseudonym, notice, date.storedText])
    }
}
