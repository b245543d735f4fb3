/// Why the matcher decided what it did: the words as it saw them and the best candidates with the example
/// each matched. For operators tuning answer files (`entraide intents explain`) and for tests.
public struct Explanation: Sendable, CustomStringConvertible {
    public struct Word: Sendable, Equatable {
        /// The normalised word.
        public var text: String
        /// What it counts as: the synonym group's first word or the stem.
        public var term: String
        public var isStopword: Bool
        /// Whether any example has the term.
        public var isKnown: Bool
    }

    public struct Candidate: Sendable, Equatable {
        public var intent: String
        public var score: Double
        /// The example closest to the message, its language, and its similarity (terms, trigrams) to it.
        public var example: String
        public var exampleLanguage: Language
        public var termSimilarity: Double
        public var trigramSimilarity: Double
        /// Similarity to all the intent's examples together.
        public var centroidSimilarity: Double
        /// The lexical scorer's score, of which the terms, trigrams and centroid above are the parts; the rest
        /// of `score` is the learned model's probability.
        public var lexicalScore: Double
    }

    public var text: String
    public var normalized: String
    public var language: Language?
    /// The language whose stems were used.
    public var stemmingLanguage: Language
    public var words: [Word]
    /// The best intents, best first (at most five).
    public var candidates: [Candidate]
    public var match: Match
    /// The operating point in force (calibrated on the answer set).
    public var calibration: Calibration
    /// Whether the message had an English word vector (`WordVectors`) in its scores, and whether the matcher
    /// uses them at all (on by default; see `MatcherConfiguration.wordVectorWeight`).
    public var usedWordVectors: Bool
    public var wordVectorsEnabled = false
    /// The cosine with an intent's nearest example that neither raises nor lowers its score
    /// (`ExampleVectors.reference`, read off the answer set); nil when the set gives none.
    public var wordVectorReference: Double?

    init(analysis: Matcher.Analysis, match: Match, index: MatcherIndex, calibration: Calibration, text: String) {
        self.calibration = calibration
        usedWordVectors = analysis.hasWordVector
        self.text = text
        self.match = match
        language = analysis.language
        stemmingLanguage = analysis.stemmingLanguage
        normalized = analysis.tokens.map(\.text).joined(separator: " ")
        let languageIndex = analysis.stemmingLanguage.index
        words = zip(analysis.tokens, analysis.features).map { token, feature in
            let term = feature.termID(preferring: languageIndex)
            return Word(text: token.text, term: feature.terms[term.language], isStopword: feature.isStopword,
                        isKnown: term.id >= 0)
        }
        let ranked = analysis.scores.indices.filter { analysis.scores[$0] > 0 }
            .sorted { analysis.scores[$0] > analysis.scores[$1] }.prefix(5)
        candidates = ranked.compactMap { intent in
            let exampleIndex = analysis.bestExample[intent]
            guard exampleIndex >= 0, intent < analysis.parts.count else { return nil }
            let example = index.examples[exampleIndex]
            let parts = analysis.parts[intent]
            return Candidate(
                intent: index.intentIDs[intent], score: analysis.scores[intent], example: example.text,
                exampleLanguage: example.language, termSimilarity: parts.term, trigramSimilarity: parts.gram,
                centroidSimilarity: parts.centroid,
                lexicalScore: intent < analysis.lexical.count ? analysis.lexical[intent] : analysis.scores[intent])
        }
    }

    public var description: String {
        var lines: [String] = []
        let decided = match.intent.map { " \($0)" } ?? ""
        lines.append("\(match.decision.rawValue)\(decided) score \(Self.format(match.score)) "
            + "language \(language?.rawValue ?? "unknown") (stems: \(stemmingLanguage.rawValue))")
        lines.append("normalised: \(normalized)")
        let wordList = words.map { word in
            var item = word.text == word.term ? word.text : "\(word.text)→\(word.term)"
            if word.isStopword { item += "(stop)" }
            if !word.isKnown { item += "(unknown)" }
            return item
        }
        lines.append("words: \(wordList.joined(separator: " "))")
        for candidate in candidates {
            lines.append("  \(Self.format(candidate.score)) \(candidate.intent): \"\(candidate.example)\" "
                + "[\(candidate.exampleLanguage.rawValue)] terms \(Self.format(candidate.termSimilarity)) "
                + "trigrams \(Self.format(candidate.trigramSimilarity)) "
                + "centroid \(Self.format(candidate.centroidSimilarity)) lexical \(Self.format(candidate.lexicalScore))")
        }
        if !match.alternatives.isEmpty {
            lines.append("alternatives: " + match.alternatives.map { "\($0.intent) \(Self.format($0.score))" }
                .joined(separator: ", "))
        }
        let reference = wordVectorReference.map { "the nearest example's cosine counts from \(Self.format($0))" }
            ?? "no intent has two English examples to measure closeness against"
        lines.append(!wordVectorsEnabled ? "word vectors: off"
            : usedWordVectors ? "word vectors: used (read in English; \(reference))"
            : "word vectors: not used (only a message read in English has one)")
        lines.append(calibration.description)
        return lines.joined(separator: "\n")
    }

    public static func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return String(rounded)
    }
}
