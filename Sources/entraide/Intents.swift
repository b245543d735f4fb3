import ArgumentParser
import CaseTracker
import Foundation
import IntentMatcher
import SafetyNet

/// `entraide intents …`: the operator's tools for the answer files.
struct Intents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check, test and try the answer files; see what went unanswered.",
        subcommands: [Check.self, Test.self, Match.self, Explain.self, Gaps.self, Learn.self, Bench.self]
    )

    /// The answer set at `directory` (or the configured one), or every problem and exit 1.
    static func loadAnswers(_ directory: String?, _ common: CommonOptions) throws -> (AnswerSet, URL) {
        let configuration = try common.resolve(environment: ProcessInfo.processInfo.environment)
        let url = URL(fileURLWithPath: directory ?? configuration.intentsDirectory)
        do {
            return (try AnswerSetLoader.load(directory: url), url)
        } catch {
            for problem in error.problems { print(problem) }
            print("\(error.problems.count) problem(s): the helpline will refuse this set and keep serving the last good one.")
            throw ExitCode(1)
        }
    }

    /// The store's unanswered questions grouped by similarity (most frequent first), or nil after saying there
    /// are none: what `gaps` reports and `learn` walks.
    static func unansweredGroups(_ common: CommonOptions) throws
        -> (store: CaseStore, questions: [UnansweredQuestion], groups: [[String]])?
    {
        let configuration = try common.resolve(environment: ProcessInfo.processInfo.environment)
        let store = try configuration.openStore().0
        let questions = try store.unansweredQuestions()
        guard !questions.isEmpty else {
            print("no unanswered questions in \(configuration.databasePath)")
            return nil
        }
        return (store, questions, GapClustering.cluster(questions.map(\.text)))
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the answer files; list every problem as file:line and exit 1 if there is one.")

        @Argument(help: "The answer files' directory (default: intents_dir, or ./intents).")
        var directory: String?

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let (answers, url) = try Intents.loadAnswers(directory, common)
            let (net, _) = try Crisis.loadSafetyNet(url.path, common)
            let referrals: ReferralDirectory
            do {
                referrals = try ReferralDirectory.load(intents: url, countries: net.directory, topics: Set(answers.intents.keys))
            } catch {
                for problem in error.problems { print(problem) }
                print("\(error.problems.count) problem(s): the helpline will refuse this set and keep serving the last good one.")
                throw ExitCode(1)
            }
            let languages = Set(answers.intents.values.flatMap(\.answers.keys)).sorted().map(\.rawValue)
            for warning in answers.warnings(at: Date()) + net.warnings(at: Date()) + referrals.staleWarnings(at: Date()) {
                print("warning: \(warning)")
            }
            // A negative example the crisis net catches is still escalated when a worker writes it (the net runs
            // before the matcher), but it says the operator meant something else: name it. One that is also a
            // test phrase makes that phrase measure nothing.
            var phrases: [String: String] = [:]
            for folder in ["tests", "heldout"] {
                for phrase in (try? RegressionSuite.load(directory: url.appendingPathComponent(folder))) ?? [] {
                    phrases[TextNormalizer.normalize(phrase.text)] = "\(phrase.file):\(phrase.line)"
                }
            }
            for language in Language.allCases {
                for example in answers.outOfScope[language] ?? [] {
                    if net.assess(example) != nil {
                        print("warning: intents/out-of-scope.yaml: '\(example)' (\(language.rawValue)) reads as a crisis "
                            + "to the safety net; a message like it always reaches a volunteer, so remove it from the "
                            + "out-of-scope examples")
                    }
                    if let place = phrases[TextNormalizer.normalize(example)] {
                        print("warning: intents/out-of-scope.yaml: '\(example)' (\(language.rawValue)) is also the test "
                            + "phrase at \(place), which then measures nothing; keep it in one of the two")
                    }
                }
            }
            print("ok: \(answers.intents.count) intents in \(url.path) (languages: \(languages.joined(separator: ", ")))")
            let negatives = answers.outOfScope.values.reduce(0) { $0 + $1.count }
            if negatives >= Calibration.minimumOutOfScope {
                print("ok: \(negatives) out-of-scope examples (they set the answer threshold)")
            } else if negatives > 0 {
                print("ok: \(negatives) out-of-scope examples (fewer than \(Calibration.minimumOutOfScope): not used yet)")
            }
            print("ok: \(net.detector.cues.count) crisis cues (" + Language.allCases.map { "\($0.rawValue) \(net.detector.cues.count(in: $0))" }
                .joined(separator: ", ") + "), crisis lines for \(net.directory.countries.count) countries"
                + (net.isBuiltIn ? " (built into entraide \(BuiltInSafety.release))" : ""))
            print("ok: \(referrals.referrals.count) groups in the referral directory")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the regression phrases; print accuracy per intent and language and the most confused pairs.")

        @Argument(help: "The answer files' directory (default: intents_dir, or ./intents).")
        var directory: String?

        @Option(help: "The phrases to run (default: <directory>/tests). intents/heldout measures unseen phrasings, intents/real messages workers posted on public forums.")
        var phrases: String?

        @Option(help: "Exit 1 when the share of correct phrases is below this.")
        var bar: Double = 0.95

        @Flag(help: "List every phrase that failed.")
        var verbose = false

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let (answers, url) = try Intents.loadAnswers(directory, common)
            let folder = phrases.map { URL(fileURLWithPath: $0) } ?? url.appendingPathComponent("tests")
            let suite: [RegressionPhrase]
            do {
                suite = try RegressionSuite.load(directory: folder)
            } catch {
                for problem in error.problems { print(problem) }
                throw ExitCode(1)
            }
            let report = RegressionReport(matcher: Matcher(answers: answers), phrases: suite)
            print(Self.summary(report))
            if verbose {
                print(report.description)
            }
            guard report.accuracy >= bar else {
                print("below the bar of \(Self.percent(bar)): \(report.failures.count) phrase(s) failed (--verbose lists them)")
                throw ExitCode(1)
            }
        }

        static func summary(_ report: RegressionReport) -> String {
            var lines = [
                "phrases: \(report.outcomes.count)  correct: \(percent(report.accuracy))  "
                    + "in scope top-1: \(percent(report.inScopeAccuracy))  "
                    + "out of scope to fallback: \(percent(report.outOfScopeFallbackRate))  "
                    + "asked to choose: \(percent(report.clarifyRate))  "
                    + "wrong answers: \(percent(report.wrongAnswerRate))",
                "",
                "intent                      " + Language.allCases.map { $0.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) }.joined(),
            ]
            let byIntent = Dictionary(grouping: report.outcomes) { $0.phrase.expected ?? "(out of scope)" }
            for intent in byIntent.keys.sorted() {
                let row = Language.allCases.map { language -> String in
                    let cell = byIntent[intent]!.filter { $0.phrase.language == language }
                    guard !cell.isEmpty else { return "-        " }
                    let text = "\(cell.filter(\.isCorrect).count)/\(cell.count)"
                    return text.padding(toLength: 9, withPad: " ", startingAt: 0)
                }.joined()
                lines.append(intent.padding(toLength: 28, withPad: " ", startingAt: 0) + row)
            }
            let confused = Dictionary(grouping: report.failures) { failure -> String in
                let got = failure.match.intent ?? failure.match.alternatives.first?.intent ?? "fallback"
                return "\(failure.phrase.expected ?? "fallback") → \(failure.match.decision == .fallback ? "fallback" : got)"
            }.map { ($0.key, $0.value.count) }.sorted { $0.1 > $1.1 }.prefix(10)
            if !confused.isEmpty {
                lines.append("")
                lines.append("most confused (expected → got):")
                for (pair, count) in confused { lines.append("  \(count)× \(pair)") }
            }
            return lines.joined(separator: "\n")
        }

        static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
    }

    struct Match: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what the helpline would decide for a text (or one text per line with --batch).")

        @Argument(help: "The text to match.")
        var text: [String] = []

        @Option(help: "A file with one text per line; one JSON object per line comes out.")
        var batch: String?

        @Option(help: "The conversation's language, as if the worker had chosen it.")
        var lang: String?

        @Flag(help: "Print JSON: {\"text\",\"language\",\"decision\",\"intent\",\"score\",\"alternatives\"}.")
        var json = false

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let (answers, _) = try Intents.loadAnswers(nil, common)
            let matcher = Matcher(answers: answers)
            let hint = try lang.map { code -> Language in
                guard let language = Language(rawValue: code) else { throw ValidationError("--lang must be en, fr, es, pt or ar") }
                return language
            }
            var texts: [String] = []
            if let batch {
                guard let contents = try? String(contentsOfFile: batch, encoding: .utf8) else {
                    throw ValidationError("cannot read \(batch)")
                }
                texts = contents.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if texts.last == "" { texts.removeLast() }
            } else {
                guard !text.isEmpty else { throw ValidationError("give a text, or --batch FILE") }
                texts = [text.joined(separator: " ")]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for text in texts {
                let match = matcher.match(text, language: hint)
                if json || batch != nil {
                    let line = MatchLine(
                        text: text, language: match.language?.rawValue, decision: match.decision.rawValue,
                        intent: match.intent, score: (match.score * 1000).rounded() / 1000,
                        alternatives: match.alternatives.map { ScoredIntent(intent: $0.intent, score: ($0.score * 1000).rounded() / 1000) })
                    print(String(decoding: try encoder.encode(line), as: UTF8.self))
                } else {
                    let others = match.alternatives.map { "\($0.intent) \(String(format: "%.3f", $0.score))" }
                    print("\(match.decision.rawValue) \(match.intent ?? "-") \(String(format: "%.3f", match.score)) [\(match.language?.rawValue ?? "?")]"
                        + (others.isEmpty ? "" : "  alternatives: \(others.joined(separator: ", "))"))
                }
            }
        }

        /// One JSON line of `--json`/`--batch`; `intent` is null for clarify and fallback.
        struct MatchLine: Encodable {
            var text: String
            var language: String?
            var decision: String
            var intent: String?
            var score: Double
            var alternatives: [ScoredIntent]

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(text, forKey: .text)
                try container.encode(language, forKey: .language)
                try container.encode(decision, forKey: .decision)
                try container.encode(intent, forKey: .intent)  // null, not absent
                try container.encode(score, forKey: .score)
                try container.encode(alternatives, forKey: .alternatives)
            }

            enum CodingKeys: String, CodingKey { case text, language, decision, intent, score, alternatives }
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain a decision: the normalised words, the examples that matched, the scores.")

        @Argument(help: "The text to explain.")
        var text: [String]

        @Option(help: "The conversation's language.")
        var lang: String?

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let (answers, _) = try Intents.loadAnswers(nil, common)
            let matcher = Matcher(answers: answers)
            print(matcher.explain(text.joined(separator: " "), language: lang.flatMap(Language.init(rawValue:))))
        }
    }

    struct Gaps: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The questions the helpline could not answer well, most frequent first, grouped by similarity.")

        @Option(help: "How many groups to show.")
        var limit: Int = 20

        @OptionGroup var common: CommonOptions

        func run() async throws {
            guard let (_, questions, groups) = try Intents.unansweredGroups(common) else { return }
            print("\(questions.count) unanswered or unsure question(s), \(groups.count) group(s):")
            for group in groups.prefix(limit) {
                let languages = Set(questions.filter { group.contains($0.text) }.compactMap(\.language)).sorted()
                print("\n\(group.count)× [\(languages.joined(separator: ","))] \(group[0])")
                for other in group.dropFirst().prefix(4) where other != group[0] { print("     \(other)") }
            }
        }
    }
}
