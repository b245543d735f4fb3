/// How a matcher does on a set of phrases (`intents/tests` or `intents/heldout`): the tool behind
/// `entraide intents test`, the regression test, and the way the thresholds in `MatcherConfiguration` were set.
///
/// A phrase counts as correct when it reaches its intent (answered or escalated, or offered first when the
/// matcher asks to choose), and an out-of-scope phrase when it falls back.
public struct RegressionReport: Sendable, CustomStringConvertible {
    public struct Outcome: Sendable {
        public var phrase: RegressionPhrase
        public var match: Match
        public var isCorrect: Bool
        public var isWrongAnswer: Bool {
            (match.decision == .answer || match.decision == .escalate) && match.intent != phrase.expected
        }
    }

    public var outcomes: [Outcome]

    /// Matches every phrase; with `useLanguageHint` the phrase's language is given as the conversation's
    /// language, otherwise the matcher has to find it (as for a first message).
    public init(matcher: Matcher, phrases: [RegressionPhrase], useLanguageHint: Bool = false) {
        outcomes = phrases.map { phrase in
            let match = matcher.match(phrase.text, language: useLanguageHint ? phrase.language : nil)
            return Outcome(phrase: phrase, match: match, isCorrect: Self.isCorrect(match, expected: phrase.expected))
        }
    }

    static func isCorrect(_ match: Match, expected: String?) -> Bool {
        guard let expected else { return match.decision == .fallback }
        switch match.decision {
        case .answer, .escalate: return match.intent == expected
        case .clarify: return match.alternatives.first?.intent == expected
        case .fallback: return false
        }
    }

    public var failures: [Outcome] { outcomes.filter { !$0.isCorrect } }

    /// Share of all phrases handled correctly (out-of-scope ones by falling back).
    public var accuracy: Double { Self.share(outcomes) }
    /// Top-1 accuracy on the phrases that have an intent.
    public var inScopeAccuracy: Double { Self.share(outcomes.filter { $0.phrase.expected != nil }) }
    /// Share of out-of-scope phrases that fell back.
    public var outOfScopeFallbackRate: Double { Self.share(outcomes.filter { $0.phrase.expected == nil }) }
    /// Share of all phrases given an answer that is not theirs (answered or escalated with another intent, or an
    /// out-of-scope phrase answered at all): what a worker reads as the helpline not listening. A fallback or a
    /// question is not a wrong answer.
    public var wrongAnswerRate: Double {
        guard !outcomes.isEmpty else { return 0 }
        return Double(outcomes.filter(\.isWrongAnswer).count) / Double(outcomes.count)
    }
    /// Share of in-scope phrases answered with a question rather than an answer.
    public var clarifyRate: Double {
        let inScope = outcomes.filter { $0.phrase.expected != nil }
        guard !inScope.isEmpty else { return 0 }
        return Double(inScope.filter { $0.match.decision == .clarify }.count) / Double(inScope.count)
    }

    /// Correct and total per expected intent (`none` for out of scope), sorted by intent.
    public var perIntent: [(intent: String, correct: Int, total: Int)] {
        Dictionary(grouping: outcomes) { $0.phrase.expected ?? "none" }
            .map { (intent: $0.key, correct: $0.value.filter(\.isCorrect).count, total: $0.value.count) }
            .sorted { $0.intent < $1.intent }
    }

    public var description: String {
        var lines = [
            "phrases: \(outcomes.count), correct: \(Self.percent(accuracy)) "
                + "(in scope top-1 \(Self.percent(inScopeAccuracy)), out of scope to fallback "
                + "\(Self.percent(outOfScopeFallbackRate)), in scope asked to choose \(Self.percent(clarifyRate)))",
        ]
        for row in perIntent {
            lines.append("  \(row.intent): \(row.correct)/\(row.total)")
        }
        for failure in failures {
            let got = failure.match.intent ?? failure.match.alternatives.first.map { "(\($0.intent))" } ?? "-"
            lines.append("  ✗ \(failure.phrase.file):\(failure.phrase.line) [\(failure.phrase.language.rawValue)] "
                + "\"\(failure.phrase.text)\" expected \(failure.phrase.expected ?? "fallback"), got "
                + "\(failure.match.decision.rawValue) \(got) \(Explanation.format(failure.match.score))")
        }
        return lines.joined(separator: "\n")
    }

    private static func share(_ outcomes: [Outcome]) -> Double {
        guard !outcomes.isEmpty else { return 1 }
        return Double(outcomes.filter(\.isCorrect).count) / Double(outcomes.count)
    }

    static func percent(_ value: Double) -> String {
        String((value * 1000).rounded() / 10) + "%"
    }
}
