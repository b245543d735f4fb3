/// A stored message waiting for the engine.
public struct InboxItem: Sendable, Equatable {
    public var id: Int64
    public var channel: String
    public var pseudonym: String
    public var text: String
}

/// Where a worker's conversation stands, kept between messages (and restarts).
public struct ConversationState: Sendable, Equatable, Codable {
    /// The language the worker writes or chose; nil until known.
    public var language: String?
    /// True when the worker chose the language (`lang es`): detection no longer overrides it.
    public var languageChosen: Bool
    /// The intent last answered, for "more".
    public var lastIntent: String?
    /// The numbered choices of the last clarifying question, in order.
    public var pendingChoices: [String]
    /// Clarifying questions in a row that did not lead to an answer.
    public var failedClarifications: Int
    /// True after the worker asked for a volunteer.
    public var awaitingVolunteer: Bool
    /// True once the worker was told the helpline never needs the client's or requester's name.
    /// Optional so that conversations stored before it existed still decode.
    public var ndaReminded: Bool?
    /// The worker's country (ISO code) once they named it, for the crisis line; asked once, in a crisis.
    public var country: String?
    /// True right after the helpline asked which country the worker is in.
    public var awaitingCountry: Bool?
    /// The intent whose answer just asked for the worker's country or platform (`Intent.asks`): the next
    /// message is read as the reply when it names one, and as a new question otherwise.
    public var followUp: String?
    /// The platform the worker named (`Platform.id`), for answers' platform-specific parts.
    public var platform: String?
    /// The question the bot just answered on a topic (its first 300 characters), until the next message:
    /// when that message asks for a person, the answer did not help, and the question goes to the operators'
    /// gap report as "unhelpful". Erased with the conversation.
    public var answeredQuestion: String?

    public init(
        language: String? = nil, languageChosen: Bool = false, lastIntent: String? = nil,
        pendingChoices: [String] = [], failedClarifications: Int = 0, awaitingVolunteer: Bool = false
    ) {
        self.language = language
        self.languageChosen = languageChosen
        self.lastIntent = lastIntent
        self.pendingChoices = pendingChoices
        self.failedClarifications = failedClarifications
        self.awaitingVolunteer = awaitingVolunteer
    }
}

/// A question the bot could not answer well (it fell back, or had to ask which topic was meant).
public struct UnansweredQuestion: Sendable, Equatable {
    public var text: String
    public var language: String?
    /// `fallback` or `clarify`, or `unhelpful` for a question the bot answered when the worker then asked
    /// for a person.
    public var decision: String
    public static let unhelpful = "unhelpful"

    public init(text: String, language: String?, decision: String) {
        self.text = text
        self.language = language
        self.decision = decision
    }
}
