public import CaseTracker
public import Foundation
import Logging

extension Helpline {
    /// Commits a polled batch and the channel's new cursor together; only after this returns may
    /// the channel send that cursor to its endpoint. Same preparation and rate limit as `receive(_:)`.
    /// Without a cursor (IRC: the lines that arrived together), the messages alone, in one transaction.
    public func receive(batch: [InboundMessage], cursor: String?, channel: String, at now: Date = Date()) throws -> BatchOutcome {
        let items = try batch.map { message -> BatchMessage in
            let (message, pseudonym) = prepared(message)
            return BatchMessage(message: message, pseudonym: pseudonym, refusal: try refusal(of: pseudonym, text: message.text, at: now))
        }
        // Stored and answered in one transaction: the engine's turn comes in this task, with no hand-over to the
        // engine service and no second commit. What it leaves (a full page of older rows, a row it failed on) the
        // service takes, as before.
        let snapshot = library.snapshot
        let engine = snapshot.engine(defaultLanguage: defaultLanguage)
        let limit = Self.engineBatch
        let (outcome, processed, failure) = try storeHealth.watch(logger) {
            try store.receiveAndProcess(batch: items, cursor: cursor, channel: channel, at: now, limit: limit) {
                transaction, item in try handle(item, engine: engine, in: transaction)
            }
        }
        if let failure { reportEngineFailure(failure) }
        if failure != nil || processed == limit { inboxBell.ring() }
        if processed > 0 {
            ringOutboxBells()
        } else if items.contains(where: { $0.refusal?.notice != nil }) {
            outboxBell(for: channel).ring()
        }
        // Counts only: never a text or an address at info level.
        logger.debug(
            "batch.received",
            metadata: ["channel": "\(channel)", "batch.stored": "\(outcome.stored)", "batch.duplicates": "\(outcome.duplicates)",
                "batch.refused": "\(outcome.refused)",
            ])
        return outcome
    }
}
