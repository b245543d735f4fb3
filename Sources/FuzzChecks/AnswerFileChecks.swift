import Foundation
import IntentMatcher

/// The bytes are one YAML file in `intents/`. The promises:
/// - loading gives an answer set or problems, never a trap, and every problem names the file and a line of it;
/// - a set that loads builds a matcher, and matching the set's own examples does not trap.
///
/// The file is named after the id it declares (`id: crisis` → `crisis.yaml`), so that a valid file can load
/// instead of stopping at "id does not match the file name"; a file with a top-level `groups:` is read as
/// `synonyms.yaml`.
enum AnswerFileChecks {
    static func check(_ bytes: UnsafeRawBufferPointer) throws(InvariantViolation) {
        let data = Data(bytes)
        let name = fileName(for: data)
        let file = "intents/" + name
        let lineCount = 1 + yamlLineBreaks(in: String(decoding: data, as: UTF8.self))
        let answers: AnswerSet
        do {
            answers = try AnswerSetLoader.load(
                [AnswerFileSource(name: name, file: file, contents: data)],
                directory: URL(fileURLWithPath: "/nonexistent/intents"))
        } catch {
            try require(!error.problems.isEmpty, "a refused set without problems")
            for problem in error.problems {
                // A lone synonyms file is refused for the folder having no answer file: named by the folder.
                try require(
                    problem.file == file || problem.file == "intents/*.yaml",
                    "a problem names \(problem.file), not \(file): \(problem)")
                try require(
                    (0...lineCount + 1).contains(problem.line),
                    "a problem at line \(problem.line) of a \(lineCount)-line file: \(problem)")
                try require(!problem.message.isEmpty, "a problem without a message")
            }
            return
        }
        try require(answers.intents.count == 1, "one file gave \(answers.intents.count) intents")
        let matcher = Matcher(answers: answers)
        for intent in answers.intents.values {
            for examples in intent.examples.values {
                for example in examples.prefix(5) {
                    _ = matcher.match(example)
                }
            }
        }
    }

    /// Line breaks as YAML (and libyaml's line numbers) count them: LF, CR LF, a lone CR, NEL, LS and PS.
    static func yamlLineBreaks(in text: String) -> Int {
        var breaks = 0
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": if previous != "\r" { breaks += 1 }
            case "\r", "\u{85}", "\u{2028}", "\u{2029}": breaks += 1
            default: break
            }
            previous = scalar
        }
        return breaks
    }

    static func fileName(for data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("groups:") { return "synonyms.yaml" }
            guard line.hasPrefix("id:") else { continue }
            let id = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
            if !id.isEmpty,
                id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
            {
                return id + ".yaml"
            }
        }
        return "fuzz.yaml"
    }
}
