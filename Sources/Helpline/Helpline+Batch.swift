public import CaseTracker
import Logging

extension Helpline {
    /// Commits a polled batch and the channel's new cursor together; only after this returns may
    /// the channel send that cursor to its endpoint. Same pseudonyms and text cap as `receive(_:)`.
    public func receive(batch: [InboundMessage], cursor: String, channel: String) throws -> BatchOutcome {
        let items = batch.map { message -> BatchMessage in
            var message = message
            message.text = Self.capped(message.text)
            return BatchMessage(message: message, pseudonym: pseudonymizer.pseudonym(channel: message.channel, address: message.address))
        }
        let outcome = try store.receive(batch: items, cursor: cursor, channel: channel)
        if outcome.stored > 0 { inboxBell.ring() }
        // Counts only: never a text or an address at info level.
        logger.debug(
            "batch.received",
            metadata: ["channel": "\(channel)", "batch.stored": "\(outcome.stored)", "batch.duplicates": "\(outcome.duplicates)"])
        return outcome
    }
}
