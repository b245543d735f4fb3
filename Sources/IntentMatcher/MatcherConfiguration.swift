/// The matcher's thresholds and weights.
///
/// How the default values were found: TUNING-NOTE (filled in below once measured).
public struct MatcherConfiguration: Sendable, Equatable {
    /// The best intent must score at least this (0...1) to be answered; below, the helpline falls back.
    public var answerThreshold: Double
    /// When the second intent scores within this of the first (and above `clarifyFloor`), the worker is asked
    /// to choose.
    public var clarifyMargin: Double
    /// Intents under this score are never offered as choices.
    public var clarifyFloor: Double
    /// Intents that escalate `urgent` (crisis) win over every other intent from this score on: lower than
    /// `answerThreshold`, because missing a crisis costs far more than a volunteer reading a false alarm.
    public var urgentThreshold: Double
    /// The share of word terms in an example's similarity; the rest is character trigrams.
    public var termWeight: Double
    /// The share of the intent's centroid (all its examples together) in its score; the rest is its best example.
    public var centroidWeight: Double
    /// How much an intent's answers (not only its examples) count: weak evidence, added to the score.
    public var answerWeight: Double
    /// The weight of stopwords relative to other words.
    public var stopwordWeight: Double
    /// The weight of numbers relative to other words.
    public var digitWeight: Double
    /// The weight of a word no example has, relative to the rarest known word.
    public var unknownWordWeight: Double
    /// How much a message's words that the helpline has never seen (in no example, answer or synonym) lower
    /// every score: the score is multiplied by 1 − penalty × (share of such words among the message's content
    /// words). Off-topic messages ("minimum wage for a football player") share a word or two with an intent but
    /// bring words from elsewhere; workers' own phrasings mostly reuse the helpline's vocabulary.
    public var unknownWordPenalty: Double
    /// At most this many alternatives are returned.
    public var maximumAlternatives: Int
    /// Only the first this many Unicode scalars of a message are matched: a chat message is short, and a
    /// megabyte pasted by mistake (or on purpose) must not cost more than a normal one.
    public var maximumScalars: Int

    public init(
        answerThreshold: Double, clarifyMargin: Double, clarifyFloor: Double, urgentThreshold: Double,
        termWeight: Double = 0.6, centroidWeight: Double = 0.4, answerWeight: Double = 0.1, stopwordWeight: Double = 0.3,
        digitWeight: Double = 0.5, unknownWordWeight: Double = 1.0, unknownWordPenalty: Double = 0.5,
        maximumAlternatives: Int = 3,
        maximumScalars: Int = 2_000
    ) {
        self.answerThreshold = answerThreshold
        self.clarifyMargin = clarifyMargin
        self.clarifyFloor = clarifyFloor
        self.urgentThreshold = urgentThreshold
        self.termWeight = termWeight
        self.centroidWeight = centroidWeight
        self.answerWeight = answerWeight
        self.stopwordWeight = stopwordWeight
        self.digitWeight = digitWeight
        self.unknownWordWeight = unknownWordWeight
        self.unknownWordPenalty = unknownWordPenalty
        self.maximumAlternatives = maximumAlternatives
        self.maximumScalars = maximumScalars
    }

    public static let `default` = MatcherConfiguration(
        answerThreshold: 0.35, clarifyMargin: 0.03, clarifyFloor: 0.25, urgentThreshold: 0.3)
}
