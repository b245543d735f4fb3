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
        let outcome: BatchOutcome
        let processed: Int
        let failure: (any Error)?
        do {
            (outcome, processed, failure) = try storeHealth.watch(logger, wrote: { $0.failure == nil }) {
                try store.receiveAndProcess(batch: items, cursor: cursor, channel: channel, at: now, limit: limit) {
                    transaction, item in try handle(item, engine: engine, in: transaction)
                }
            }
        } catch {
            // Some errors of the engine's writes (a full disk, an I/O error) abort the whole transaction, the
            // batch's rows with it: store them alone, as before the engine shared their transaction, and leave
            // the answering to the engine service.
            // (Stored so, the store is not writable again in the health report's sense: the engine's writes failed.)
            outcome = try storeHealth.watch(logger, wrote: { _ in false }) {
                try store.receive(batch: items, cursor: cursor, channel: channel, at: now)
            }
            (processed, failure) = (0, error)
        }
        if let failure {
            reportEngineFailure(failure)
            // A store that refuses the engine's writes is what the operator must hear of (the batch's own writes
            // may still fit): as `processPending` reports it.
            if StoreError.isStoreFailure(failure) { storeHealth.failed(failure, logger: logger) }
        }
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
