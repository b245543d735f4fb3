import ArgumentParser
import CaseTracker
import Foundation
import IntentMatcher

extension Intents {
    /// The operator's learning loop, after Rasa's interactive learning and QnA Maker's active learning: every
    /// question the helpline could not answer well (fell back, asked to choose, or answered when the worker
    /// then asked for a person) is shown with what the current answers make of it, and the operator files it
    /// where it belongs. The files are edited in place and loaded again after each edit (an edit that breaks
    /// them is undone); a handled question leaves the gap report; the regression phrases run at the end.
    struct Learn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the unanswered questions and file each one: example, regression phrase, out of scope.",
            discussion: """
                For each group of similar questions (most frequent first), type:
                  e <intent|1-3>   add it as an example of that intent (1-3: the candidates shown)
                  t <intent|1-3>   add it as a regression phrase of that intent (intents/tests/<intent>.yaml)
                  o                add it as an out-of-scope regression phrase (intents/tests/out-of-scope.yaml)
                  n                add it as an out-of-scope example (intents/out-of-scope.yaml): a message
                                   the helpline should not answer, which sets where it stops answering
                  s                skip it (it stays in the report)
                  q                stop here
                Reads the answers from standard input, so a list of decisions can be piped in.
                """)

        @Option(help: "How many groups to walk at most.")
        var limit: Int = 50

        @Option(help: "Exit 1 when the regression phrases' share is below this after the edits.")
        var bar: Double = 0.95

        @OptionGroup var common: CommonOptions

        func run() async throws {
            var (answers, folder) = try Intents.loadAnswers(nil, common)
            guard let (store, questions, groups) = try Intents.unansweredGroups(common) else { return }
            print("\(questions.count) question(s) in \(groups.count) group(s); e/t <intent|1-3>, o, n, s, q (see --help)")
            var matcher = Matcher(answers: answers)
            var edits = 0
            walk: for (number, group) in groups.prefix(limit).enumerated() {
                let text = group[0]
                let records = questions.filter { group.contains($0.text) }
                let language = records.compactMap { $0.language.flatMap(Language.init(rawValue:)) }.first
                    ?? matcher.detectLanguage(text) ?? .en
                let match = matcher.match(text, language: language)
                // Crisis is the safety net's to detect (its cues), never filed from here.
                let candidates = ([match.intent].compactMap { $0 } + match.alternatives.map(\.intent))
                    .filter { $0 != "crisis" }
                    .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.prefix(3)
                let kinds = Dictionary(grouping: records, by: \.decision).map { "\($1.count) \($0)" }.sorted()
                print("\n[\(number + 1)/\(min(limit, groups.count))] \(group.count)× [\(language.rawValue)] \(text)")
                for other in group.dropFirst().prefix(3) where other != text { print("      also: \(other)") }
                print("  was: \(kinds.joined(separator: ", "))   now: \(match.decision.rawValue) \(match.intent ?? "-") "
                    + Explanation.format(match.score))
                for (index, intent) in candidates.enumerated() { print("  \(index + 1). \(intent)") }
                while true {
                    print("> ", terminator: "")
                    guard let line = readLine() else { break walk }
                    let words = line.split(separator: " ").map(String.init)
                    guard let action = words.first?.lowercased() else { continue }
                    if action == "q" { break walk }
                    if action == "s" { break }
                    let target: (file: URL, section: String)
                    switch action {
                    case "e", "t":
                        guard words.count == 2, let intent = Self.intent(words[1], candidates: Array(candidates), in: answers)
                        else {
                            print("  which intent? e.g. '\(action) 1' or '\(action) pay-missing'")
                            continue
                        }
                        target = action == "e"
                            ? (folder.appendingPathComponent("\(intent).yaml"), "examples")
                            : (Self.phraseFile(intent, in: folder), "phrases")
                    case "o":
                        target = (Self.phraseFile("none", in: folder), "phrases")
                    case "n":
                        target = (folder.appendingPathComponent("out-of-scope.yaml"), "examples")
                    default:
                        print("  e <intent|1-3>, t <intent|1-3>, o, n, s or q")
                        continue
                    }
                    do {
                        answers = try Self.add(text, language: language, to: target.file, section: target.section,
                                               reloading: folder)
                        matcher = Matcher(answers: answers)
                        try store.removeUnansweredQuestions(group)
                        edits += 1
                        print("  added to \(YAMLFile.displayName(target.file)) (\(language.rawValue))")
                        break
                    } catch {
                        print("  not added: \(error)")
                    }
                }
            }
            guard edits > 0 else { return }
            print("\n\(edits) edit(s). Regression phrases now:")
            let phrases = try RegressionSuite.load(directory: folder.appendingPathComponent("tests"))
            let report = RegressionReport(matcher: matcher, phrases: phrases)
            print(Test.summary(report))
            guard report.accuracy >= bar else {
                print("below the bar of \(Test.percent(bar)): `entraide intents test --verbose` lists the failures")
                throw ExitCode(1)
            }
        }

        /// `2` is the second candidate shown; otherwise an intent id of the set.
        static func intent(_ word: String, candidates: [String], in answers: AnswerSet) -> String? {
            if let number = Int(word) { return candidates.indices.contains(number - 1) ? candidates[number - 1] : nil }
            return answers[word] == nil ? nil : word
        }

        /// The test file whose `intent:` is `intent` (`none`: out of scope); `tests/<intent>.yaml` when there is none.
        static func phraseFile(_ intent: String, in folder: URL) -> URL {
            let tests = folder.appendingPathComponent("tests")
            let files = (try? FileManager.default.contentsOfDirectory(at: tests, includingPropertiesForKeys: nil)) ?? []
            for file in files.sorted(by: { $0.path < $1.path }) where file.pathExtension == "yaml" {
                guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
                if text.components(separatedBy: "\n").contains("intent: \(intent)") { return file }
            }
            return tests.appendingPathComponent(intent == "none" ? "out-of-scope.yaml" : "\(intent).yaml")
        }

        /// Adds the phrase, loads the set again, and puts the file back as it was when the set no longer loads.
        static func add(_ text: String, language: Language, to file: URL, section: String, reloading folder: URL)
            throws -> AnswerSet
        {
            let original = try? String(contentsOf: file, encoding: .utf8)
            let intent = file.deletingPathExtension().lastPathComponent
            // A missing file is started: the negative examples' (dated today), or a regression phrase file.
            let negatives = file.standardizedFileURL == folder.appendingPathComponent("out-of-scope.yaml").standardizedFileURL
            let base = original ?? (negatives ? "reviewed: \(Date().formatted(.iso8601.year().month().day()))\nexamples:\n"
                : "intent: \(intent == "out-of-scope" ? "none" : intent)\nphrases:\n")
            let edited = try AnswerFileEditor.adding(text, language: language, section: section, to: base)
            try edited.write(to: file, atomically: true, encoding: .utf8)
            do {
                let answers = try AnswerSetLoader.load(directory: folder)
                _ = try RegressionSuite.load(directory: folder.appendingPathComponent("tests"))
                return answers
            } catch {
                if let original {
                    try original.write(to: file, atomically: true, encoding: .utf8)
                } else {
                    try? FileManager.default.removeItem(at: file)
                }
                throw error
            }
        }
    }
}
