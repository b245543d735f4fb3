/// A learned second net for the crisis safety net: a logistic regression over the words, word pairs and
/// character n-grams of a message (`TextFeatures`, as the matcher's model), trained when the safety net loads on
/// the crisis phrasings of its corpus (one class per language, so that an alarm also says which language to
/// answer in) against everything that is not a crisis: the corpus's controls and the answer files' examples.
///
/// Why beside the cues: a cue list catches the phrasings its authors thought of. On a probe of 200 crisis
/// messages written by someone who never saw the cues (`intents/safety/heldout`), the cues caught 61%; cue
/// families written from two earlier probes took those to 100% and moved the blind one by 3 messages
/// (docs/benchmarks.md, "Probes written outside the cue files"). Character n-grams carry what a word list
/// cannot: a form nobody listed, a typo, a dialect spelling, a message that says goodbye without a listed word.
/// The cues stay first, and stay the rule for what they cover; this net only adds alarms.
public struct LearnedRisk: Sendable {
    let features: TextFeatures
    let regression: SoftmaxRegression
    /// The class of each crisis language (class 0 is "not a crisis").
    let languages: [Language]
    /// How sure of a crisis the model must be to raise the alarm.
    public let threshold: Double

    /// The probability of a crisis at or above which the net raises the alarm. Chosen on texts it is not
    /// trained on and that are not crises, never on a crisis probe: the non-crisis phrases of the regression,
    /// held-out and real-message sets and the out-of-scope examples (2,723 texts; 52 of them raise the cues'
    /// alarm, mostly long forum stories). The net adds 71 alarms to those at 0.5, 36 at 0.7, 20 at 0.8, 7 at 0.9:
    /// 0.8 is the lowest that adds fewer than 1 in 100 (2026-12-07, docs/benchmarks.md). Measured after, on the
    /// blind probe (`intents/safety/heldout`): 122 → 147 of 200 crisis messages caught, 17 → 19 of its 75
    /// controls alarmed; 152 once `safety/learn/ar.yaml` had Arabic to learn from (13 everyday alarms added).
    public static let defaultThreshold = 0.8

    /// Only the first this many Unicode scalars of a message are read, as the cues read a bounded text.
    static let maximumScalars = 4_000

    /// Trains on `crisis` phrasings (by language) and `other` texts. Nil when there is nothing to learn from
    /// (no crisis phrasing or no other text).
    public init?(crisis: [(text: String, language: Language)], other: [String],
                 threshold: Double = LearnedRisk.defaultThreshold) {
        let languages = Language.allCases.filter { language in crisis.contains { $0.language == language } }
        guard !languages.isEmpty, !other.isEmpty else { return nil }
        func keys(_ text: String) -> [TextFeatures.Key] {
            let tokens = TextNormalizer.tokens(text, limit: Self.maximumScalars)
            return TextFeatures.keys(tokens: tokens, terms: tokens.map(\.text))
        }
        // The crisis phrasings count as many times as the other texts together, spread over their languages:
        // a rare class would otherwise stay below any threshold that keeps the others quiet.
        let repeats = max(1, Int((Double(other.count) / Double(crisis.count)).rounded()))
        var documents: [(keys: [TextFeatures.Key], label: Int)] = other.map { (keys($0), 0) }
        for phrasing in crisis {
            let label = 1 + languages.firstIndex(of: phrasing.language)!
            let document = keys(phrasing.text)
            for _ in 0..<repeats { documents.append((document, label)) }
        }
        let features = TextFeatures(documents: documents.lazy.map(\.keys))
        var regression = SoftmaxRegression(classes: 1 + languages.count, features: features.dimensions)
        regression.train(documents.map { (vector: features.vector($0.keys), label: $0.label) })
        self.features = features
        self.regression = regression
        self.languages = languages
        self.threshold = threshold
    }

    /// The probability that `text` is a crisis, and the language of the likeliest crisis class.
    public func assess(_ text: String) -> (probability: Double, language: Language) {
        let tokens = TextNormalizer.tokens(text, limit: Self.maximumScalars)
        let keys = TextFeatures.keys(tokens: tokens, terms: tokens.map(\.text))
        var probabilities = [Float](repeating: 0, count: 1 + languages.count)
        regression.probabilities(features.vector(keys), into: &probabilities)
        var best = 1
        for index in 1..<probabilities.count where probabilities[index] > probabilities[best] { best = index }
        return (Double(1 - probabilities[0]), languages[best - 1])
    }
}
