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
    /// The last reply to a worker who asked to be forgotten: once it is delivered, the helpline holds nothing
    /// about them, and an endpoint that keeps messages (the HTTP relay) is asked to forget them too.
    public var endsErasure: Bool

    public init(id: Int64, key: String, channel: String, address: String, pseudonym: String, text: String,
                endsErasure: Bool = false) {
        self.id = id
        self.key = key
        self.channel = channel
        self.address = address
        self.pseudonym = pseudonym
        self.text = text
        self.endsErasure = endsErasure
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

/// Identifiers in what a worker writes, masked before anything stores it.
public enum IdentifierMask {
    /// Masks, word by word: e-mail addresses, runs of 7+ digits (phones, with + - . ( ) / and
    /// spaces between, but not dates like 2026-11-30), and MTurk/Prolific-style worker ids (A +
    /// 12–20 capitals/digits, 24 hex digits). Words are split at any white space, which is kept
    /// as it was, so a masked text reads like the original.
    ///
    /// The one rule for identifiers: the logs use it (`LogRedaction`), and so does everything the helpline and
    /// the relay store of a worker's words (a volunteer must not learn who a worker is from a pasted e-mail, and
    /// the relay's file must not keep it).
    public static func mask(_ text: String) -> String {
        // ASCII text (most log values and many messages) is checked byte by byte: an ASCII character is a
        // number exactly when it is a digit. Other text by character, as `isNumber` knows other scripts' digits.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            guard text.utf8.contains(where: { $0 == UInt8(ascii: "@") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { return text }
        } else {
            guard text.contains(where: { $0 == "@" || $0.isNumber }) else { return text }
        }
        let (words, gaps) = splitKeepingWhiteSpace(text)
        var result = ""
        var index = 0
        while index < words.count {
            let word = words[index]
            var masked: String? = nil
            var next = index + 1
            if isEmail(word) {
                masked = "[email]"
            } else if isWorkerID(word) {
                masked = "[worker-id]"
            } else if digitCount(word) > 0, !isDate(word) {
                // Phone numbers are often written in groups: "+58 412 555 1234".
                var end = index
                var digits = 0
                while end < words.count, isPhonePart(words[end]), !isDate(words[end]) {
                    digits += digitCount(words[end])
                    end += 1
                }
                if digits >= 7 {
                    masked = "[phone]"
                    next = end
                }
            }
            result += masked ?? String(word)
            result += gaps[next - 1]
            index = next
        }
        return result
    }

    /// The words of `text` and, after each, the white space that followed it ("" after the last).
    /// Leading white space follows an empty first word.
    private static func splitKeepingWhiteSpace(_ text: String) -> (words: [Substring], gaps: [Substring]) {
        var words: [Substring] = []
        var gaps: [Substring] = []
        var cursor = text.startIndex
        repeat {
            let wordEnd = text[cursor...].firstIndex(where: \.isWhitespace) ?? text.endIndex
            let gapEnd = text[wordEnd...].firstIndex { !$0.isWhitespace } ?? text.endIndex
            words.append(text[cursor..<wordEnd])
            gaps.append(text[wordEnd..<gapEnd])
            cursor = gapEnd
        } while cursor < text.endIndex
        return (words, gaps)
    }

    /// 2026-11-30, 30/11/2026, 30.11.26: a date is not a phone number, and a case story needs it.
    private static func isDate(_ word: Substring) -> Bool {
        let parts = word.trimmingPunctuation.split(omittingEmptySubsequences: false) { "-/.".contains($0) }
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isNumber) }) else { return false }
        return parts.contains { $0.count == 4 } || parts.allSatisfy { $0.count <= 2 }
    }

    private static func isEmail(_ word: Substring) -> Bool {
        guard let at = word.firstIndex(of: "@"), at != word.startIndex else { return false }
        return word[word.index(after: at)...].contains(".")
    }

    private static func isWorkerID(_ word: Substring) -> Bool {
        let trimmed = word.trimmingPunctuation
        if trimmed.count >= 13, trimmed.count <= 21, trimmed.first == "A",
            trimmed.allSatisfy({ ($0.isUppercase && $0.isASCII) || $0.isNumber }), trimmed.contains(where: \.isNumber)
        {
            return true
        }
        return trimmed.count == 24 && trimmed.allSatisfy(\.isHexDigit) && trimmed.contains(where: \.isNumber)
    }

    /// A group of a phone number; a trailing comma or full stop ends the sentence, not the number.
    private static func isPhonePart(_ word: Substring) -> Bool {
        var word = word
        while let last = word.last, ",;:!?".contains(last) { word = word.dropLast() }
        return !word.isEmpty && word.allSatisfy { $0.isNumber || "+-.()/".contains($0) }
    }

    private static func digitCount(_ word: Substring) -> Int {
        word.filter { $0.isASCII && $0.isNumber }.count
    }
}

extension Substring {
    fileprivate var trimmingPunctuation: Substring {
        var copy = self
        while let last = copy.last, last.isPunctuation { copy = copy.dropLast() }
        while let first = copy.first, first.isPunctuation { copy = copy.dropFirst() }
        return copy
    }
}

