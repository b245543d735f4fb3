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
    /// alarm, mostly long forum stories): the lowest threshold at which the net adds fewer than 1 in 100. With
    /// the shipped corpus and `safety/learn/` (2026-12-07) it adds 73 at 0.6, 50 at 0.7, 29 at 0.8, 19 at 0.85,
    /// 11 at 0.9: 0.85 (22 once `safety/learn/` had its short replies). Measured after, on the blind probe
    /// (`intents/safety/heldout`): 157 of 200 crisis messages caught (the cues alone 122), 18 of its 75 controls
    /// alarmed (17). Retrained on other files, the same rule may give another figure: docs/benchmarks.md.
    public static let defaultThreshold = 0.85

    /// The net reads a message of this many words or more: the short replies a conversation is full of ("no",
    /// "sí", "ya", "não", "pas encore", "2") scored as crises (0.88 to 0.99), the texts its threshold was chosen
    /// on having almost none; a short crisis message ("i want to die") is the cues' to catch.
    public static let minimumWords = 3

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
        var documents: [(keys: [TextFeatures.Key], label: Int)] = other.map { (keys($0), 0) }
        for phrasing in crisis {
            guard let index = languages.firstIndex(of: phrasing.language) else { continue }
            documents.append((keys(phrasing.text), 1 + index))
        }
        // Each text once in the vocabulary and its weights (what is common is what many texts say); then the
        // crisis phrasings count as many times as the other texts together, spread over their languages: a rare
        // class would otherwise stay below any threshold that keeps the others quiet.
        let features = TextFeatures(documents: documents.lazy.map(\.keys))
        let vectors = Parallel.map(documents) { (vector: features.vector($0.keys), label: $0.label) }
        let repeats = max(1, Int((Double(other.count) / Double(crisis.count)).rounded()))
        var examples = vectors
        for example in vectors where example.label > 0 {
            for _ in 1..<repeats { examples.append(example) }
        }
        var regression = SoftmaxRegression(classes: 1 + languages.count, features: features.dimensions)
        regression.train(examples)
        self.features = features
        self.regression = regression
        self.languages = languages
        self.threshold = threshold
    }

    /// The probability that `text` is a crisis, and the language of the likeliest crisis class; nil for a text of
    /// fewer than `minimumWords` words, which the net does not read.
    public func assess(_ text: String) -> (probability: Double, language: Language)? {
        let tokens = TextNormalizer.tokens(text, limit: Self.maximumScalars)
        guard tokens.count(where: { $0.script != .digits }) >= Self.minimumWords else { return nil }
        let keys = TextFeatures.keys(tokens: tokens, terms: tokens.map(\.text))
        var probabilities = [Float](repeating: 0, count: 1 + languages.count)
        regression.probabilities(features.vector(keys), into: &probabilities)
        var best = 1
        for index in 1..<probabilities.count where probabilities[index] > probabilities[best] { best = index }
        return (Double(1 - probabilities[0]), languages[best - 1])
    }
}
