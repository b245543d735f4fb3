/// The JSON bodies of the HTTP polling protocol (docs/http-channel.md). Field names are the wire's.

/// One worker message as the endpoint serves it to the bot.
public struct PolledMessage: Codable, Sendable, Equatable {
    /// The endpoint's id for the message; with the channel, the key that drops repeats.
    public var id: String
    /// The worker's address on the endpoint (a phone number, a form session): replies go `to` it.
    public var from: String
    public var text: String
    /// When the endpoint received it, RFC 3339; informative only.
    public var sentAt: String?

    public init(id: String, from: String, text: String, sentAt: String? = nil) {
        self.id = id
        self.from = from
        self.text = text
        self.sentAt = sentAt
    }

    enum CodingKeys: String, CodingKey {
        case id, from, text
        case sentAt = "sent_at"
    }
}

/// The answer to `GET /updates`: the messages after the given cursor, and the cursor that follows them.
public struct UpdatesPage: Codable, Sendable, Equatable {
    public var messages: [PolledMessage]
    /// Opaque to the bot: sent back as `after` once the messages are committed.
    public var cursor: String

    public init(messages: [PolledMessage], cursor: String) {
        self.messages = messages
        self.cursor = cursor
    }
}

/// The body of `POST /messages`: one reply; `id` is its idempotency key.
public struct OutgoingMessage: Codable, Sendable, Equatable {
    public var id: String
    public var to: String
    public var text: String
    /// The bot's last reply to a worker who asked to be forgotten: once it is handed on, the endpoint erases
    /// everything it holds about `to` (docs/http-channel.md). Absent otherwise.
    public var forget: Bool?

    public init(id: String, to: String, text: String, forget: Bool? = nil) {
        self.id = id
        self.to = to
        self.text = text
        self.forget = forget
    }
}

/// The body of the relay's `POST /inbound` (a provider's webhook or a web form).
public struct InboundSubmission: Codable, Sendable, Equatable {
    public var id: String
    public var from: String
    public var text: String

    public init(id: String, from: String, text: String) {
        self.id = id
        self.from = from
        self.text = text
    }
}
