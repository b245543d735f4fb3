import Foundation
import Yams

/// `intents/out-of-scope.yaml` (optional): messages people send that this helpline does not answer, in each
/// language, like Dialogflow's negative examples of its fallback intent. They answer nothing; where the learned
/// model scores them sets the answer threshold (`Calibration`), so that an operator who sees the helpline answer
/// what it should not can say so with examples rather than with a number.
///
/// ```yaml
/// reviewed: 2026-12-07
/// examples:
///   en: [what's the weather tomorrow, my visa application was rejected, …]
/// ```
enum OutOfScopeFile {
    static let name = "out-of-scope.yaml"
    static let keys = ["reviewed", "examples"]

    struct Parsed {
        var reviewed: String?
        var examples: [Language: [String]] = [:]
        var locations: [(normalized: String, text: String, line: Int)] = []
        var problems: [AnswerFileProblem] = []
    }

    static func parse(_ root: Node, file: String) -> Parsed {
        var list = ProblemList(file: file)
        var result = Parsed()
        guard let pairs = root.pairs else {
            list.add(root, "out-of-scope.yaml must be a mapping with 'reviewed' and 'examples', found \(root.kindName)")
            result.problems = list.problems
            return result
        }
        let values = list.values(of: pairs, allowed: keys, in: "out-of-scope.yaml")
        if let node = values["reviewed"]?.value {
            if let text = list.text(node, named: "reviewed") {
                if IntentFileParser.isValidDate(text) {
                    result.reviewed = text
                } else {
                    list.add(node, "reviewed '\(text)' is not a real date written YYYY-MM-DD")
                }
            } else {
                list.add(node, "reviewed is empty; write the date a person last read these examples (YYYY-MM-DD)")
            }
        } else {
            list.add(root, "missing required key 'reviewed'")
        }
        if let node = values["examples"]?.value {
            var lines: [Language: Int] = [:]
            // One is enough per language: they are used from 20 in all (`Calibration.minimumOutOfScope`), and
            // `intents learn` starts a language with one.
            IntentFileParser.parseExamples(
                node, into: &result.examples, lines: &lines, locations: &result.locations, list: &list, minimum: 1)
        } else {
            list.add(root, "missing required key 'examples'")
        }
        result.problems = list.problems
        return result
    }
}

extension AnswerSet {
    /// The out-of-scope examples in one order that does not change from one load to the next (language, then
    /// file order): the order of their training documents and of their calibration folds.
    var orderedOutOfScope: [(text: String, language: Language)] {
        Language.allCases.flatMap { language in (outOfScope[language] ?? []).map { ($0, language) } }
    }
}
