/// The records a channel handles, apart from how they are stored: what a worker sent, what waits to be sent, what
/// became of it, and who a volunteer is. Both the store (CaseTracker) and the channels (Gateway, through the
/// helpline's `Mailbox`) use them; only the store reads and writes the database.

/// A message as a channel received it, before it is stored. The address stays in the store's
/// address table; everything else refers to the worker by pseudonym.
public struct InboundMessage: Sendable {
    /// The channel's name (`console`, `irc`, `http`): with `messageID`, the key that drops repeats.
    public var channel: String
    /// The channel's own id for the message (an update id, a generated id for IRC and the console).
    public var messageID: String
    /// Where replies go on that channel (a nick, a chat id). Never logged, never shown to volunteers.
    public var address: String
    public var text: String

    public init(channel: String, messageID: String, address: String, text: String) {
        self.channel = channel
        self.messageID = messageID
        self.address = address
        self.text = text
    }
}

/// What `receive` did: a repeat of an already stored message is dropped, never processed twice.
public enum ReceiveOutcome: Sendable, Equatable {
    case stored(inboxID: Int64, pseudonym: String)
    case duplicate
    /// Acknowledged but not read: the sender is over the rate limit (see `CaseStore.refuse`).
    case refused
}

/// What a batch commit did.
public struct BatchOutcome: Sendable, Equatable {
    public var stored: Int
    /// Messages already in the inbox (the endpoint served them again): dropped, not processed twice.
    public var duplicates: Int
    /// Messages acknowledged but not read (rate limit); their senders may have been told.
    public var refused: Int

    public init(stored: Int, duplicates: Int, refused: Int = 0) {
        self.stored = stored
        self.duplicates = duplicates
        self.refused = refused
    }
}

/// A reply waiting in the outbox for its channel. `key` stays the same across restarts, so a
/// reply resent after a crash can be recognised and dropped by the receiving end.
public struct OutboxItem: Sendable, Equatable {
    public var id: Int64
    public var key: String
    public var channel: String
    /// Where to send it, looked up from the address table at send time.
    public var address: String
    public var pseudonym: String
    public var text: String

    public init(id: Int64, key: String, channel: String, address: String, pseudonym: String, text: String) {
        self.id = id
        self.key = key
        self.channel = channel
        self.address = address
        self.pseudonym = pseudonym
        self.text = text
    }
}

/// What one proof of delivery (an IRC PING answered, an endpoint's answer) says about the items sent before it.
public enum Delivery: Sendable {
    /// The reply arrived.
    case delivered(OutboxItem)
    /// The reply could not be sent now (the link failed): it stays pending and is tried again.
    case notDelivered(OutboxItem)
    /// The recipient refused it or is gone (IRC 401, HTTP 403): it stays pending and is tried again until
    /// it is `CaseStore.giveUpAfter` old (or `delivery.give_up_after_hours`), then removed (nobody else may read it, and it must not hold up its
    /// worker's erasure or retention forever).
    case undeliverable(OutboxItem)
    case announcementDelivered(Int64)
    case announcementNotDelivered(Int64)
    /// The announcement can never arrive (see `CaseStore.failAnnouncement`).
    case announcementUndeliverable(Int64, reason: String)
}


/// A person who answers cases: known by an alias, never by their IRC nick alone.
public struct Volunteer: Sendable, Equatable {
    public var alias: String
    public var languages: [String]
    public var ircAccount: String?
    public var active: Bool

    public init(alias: String, languages: [String], ircAccount: String?, active: Bool) {
        self.alias = alias
        self.languages = languages
        self.ircAccount = ircAccount
        self.active = active
    }
}

/// An announcement for volunteers waiting for its channel.
public struct PendingAnnouncement: Sendable, Equatable {
    public var id: Int64
    public var target: String
    public var text: String

    public init(id: Int64, target: String, text: String) {
        self.id = id
        self.target = target
        self.text = text
    }
}

/// The one rule for control characters in what a worker sends, at every door (the relay's webhook, the helpline's
/// `receive`): C0 controls other than tab and line breaks, and DEL, become their visible pictures (U+2400 …
/// U+2421: "␀", "␇"). Never dropped, never kept raw: a NUL cut the rest of a message where it was bound as a C
/// string (SQLite), and a volunteer must see that something odd was sent rather than have it acted on.
public enum VisibleControls {
    public static func show(_ text: String) -> String {
        guard text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }) else {
            return text
        }
        var shown = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: shown.append(scalar)
            case 0x00..<0x20: shown.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: shown.append(Unicode.Scalar(0x2421)!)
            default: shown.append(scalar)
            }
        }
        return String(shown)
    }
}
