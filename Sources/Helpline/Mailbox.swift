import CaseTracker
public import ChannelRecords
public import Foundation

/// A channel's only door to the helpline: what comes in (one message, or a polled batch with its cursor), what
/// goes out (replies and announcements waiting for this channel), and what became of it (delivered, not yet,
/// never). Every method is one transaction of the store; the rules about what a delivery changes (a refused
/// reply given up after `delivery.give_up_after_hours`, an erasure finished once nothing waits) live behind it.
///
/// Why a port: the channels (IRC, HTTP polling, the terminal) are the parts that meet the outside world, and the
/// store's API is wide (cases, volunteers, retention). Through this door a channel can do only what a channel
/// does, and the store can change without touching them.
public struct Mailbox: Sendable {
    public let channel: String
    private let helpline: Helpline

    init(helpline: Helpline, channel: String) {
        self.helpline = helpline
        self.channel = channel
    }

    /// Rings when a reply or an announcement for this channel is stored.
    public var bell: Doorbell { helpline.outboxBell(for: channel) }

    // MARK: In

    /// Stores one message (IRC, the terminal): once this returns, it is acknowledged and will be answered.
    public func receive(_ message: InboundMessage, at now: Date = Date()) throws -> ReceiveOutcome {
        try helpline.receive(message, at: now)
    }

    /// Stores a polled batch and the cursor that acknowledges it, in one transaction.
    public func receive(batch: [InboundMessage], cursor: String, at now: Date = Date()) throws -> BatchOutcome {
        try helpline.receive(batch: batch, cursor: cursor, channel: channel, at: now)
    }

    /// Stores messages that arrived together (IRC: the lines read at once) in one transaction: under load, one
    /// commit (one sync with durability `full`) for all of them instead of one each.
    public func receive(batch: [InboundMessage], at now: Date = Date()) throws -> BatchOutcome {
        try helpline.receive(batch: batch, cursor: nil, channel: channel, at: now)
    }

    /// Where polling resumes: the cursor stored with the last batch, nil before the first.
    public func cursor() throws -> String? {
        try helpline.store.cursor(of: channel)
    }

    /// What to tell a worker whose message could not be stored (the channel cannot deliver it again).
    public func unavailableNotice(for text: String) -> String {
        helpline.unavailableNotice(for: text)
    }

    // MARK: Out

    /// Replies waiting for this channel, oldest first, per worker in order; none for the pseudonyms in
    /// `excluding` (workers whose replies are held back).
    public func pendingReplies(limit: Int = 100, excluding held: Set<String> = []) throws -> [OutboxItem] {
        try helpline.store.pendingOutbox(channel: channel, limit: limit, excluding: held)
    }

    /// Announcements to volunteers waiting for this channel.
    public func pendingAnnouncements() throws -> [PendingAnnouncement] {
        try helpline.store.pendingAnnouncements(channel: channel)
    }

    // MARK: What became of it

    /// Everything one proof (or one answer of the endpoint) settles, in one write.
    public func record(_ deliveries: [Delivery]) throws {
        guard !deliveries.isEmpty else { return }
        try helpline.store.record(deliveries, giveUpAfter: helpline.policy.giveUpAfter)
    }

    /// One reply delivered.
    public func delivered(_ item: OutboxItem) throws {
        try helpline.store.markDelivered(item)
    }

    /// A try that failed for a reason that may pass (the endpoint was down): it stays pending, counted.
    public func failedAttempt(_ item: OutboxItem) throws {
        try helpline.store.recordAttempt(item)
    }

    /// An announcement that nobody may read any more (its volunteer logged out): set aside, kept in the case.
    public func abandonAnnouncement(_ id: Int64, reason: String) throws {
        try helpline.store.failAnnouncement(id, reason: reason)
    }
}

extension Helpline {
    /// The door for the channel named `channel` (`irc`, `http`, a dialect's name, `console`).
    public func mailbox(for channel: String) -> Mailbox {
        Mailbox(helpline: self, channel: channel)
    }
}
