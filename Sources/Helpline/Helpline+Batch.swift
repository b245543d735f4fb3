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
        let outcome = try storeHealth.watch(logger) { try store.receive(batch: items, cursor: cursor, channel: channel, at: now) }
        if outcome.stored > 0 { inboxBell.ring() }
        if items.contains(where: { $0.refusal?.notice != nil }) { outboxBell(for: channel).ring() }
        // Counts only: never a text or an address at info level.
        logger.debug(
            "batch.received",
            metadata: ["channel": "\(channel)", "batch.stored": "\(outcome.stored)", "batch.duplicates": "\(outcome.duplicates)",
                "batch.refused": "\(outcome.refused)",
            ])
        return outcome
    }
}
