/// What the helpline should do with a worker's message, according to the answer files.
public enum Decision: String, Sendable, Codable {
    /// One intent fits with enough confidence: send its answer.
    case answer
    /// Two or more fit about equally: ask the worker to choose (numbered choices).
    case clarify
    /// Nothing fits well enough: say so honestly, offer a volunteer, show the menu.
    case fallback
    /// The intent's `escalate` is `always` or `urgent`: hand over to a volunteer.
    case escalate
}

public struct ScoredIntent: Sendable, Equatable, Codable {
    public var intent: String
    public var score: Double

    public init(intent: String, score: Double) {
        self.intent = intent
        self.score = score
    }
}

/// The matcher's verdict on one message.
public struct Match: Sendable, Equatable {
    public var decision: Decision
    /// The chosen intent (for answer and escalate); nil for clarify and fallback.
    public var intent: String?
    /// Confidence of the best intent, 0...1.
    public var score: Double
    /// The language the message seems to be written in, or nil when the text gives no clue
    /// (emoji only, a number): the caller keeps the conversation's language then.
    public var language: Language?
    /// The best candidates after the first, best first (for clarify: the choices to offer).
    public var alternatives: [ScoredIntent]

    public init(decision: Decision, intent: String?, score: Double, language: Language?, alternatives: [ScoredIntent]) {
        self.decision = decision
        self.intent = intent
        self.score = score
        self.language = language
        self.alternatives = alternatives
    }
}
