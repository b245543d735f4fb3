public import Foundation
import Yams

/// Reads `intents/` into an `AnswerSet`, checking everything the format promises, and refuses the set with every
/// problem found (file and line), so that an operator can fix them in one go.
public enum AnswerSetLoader {
    /// Loads and validates intents/*.yaml and intents/synonyms.yaml (optional) in `directory`.
    public static func load(directory: URL) throws(AnswerSetError) -> AnswerSet {
        var problems: [AnswerFileProblem] = []
        let files: [URL]
        switch YAMLFile.list(directory) {
        case .success(let list): files = list
        case .failure(let error): throw error
        }

        var parsed: [IntentFile] = []
        var synonyms: [[String]] = []
        for url in files {
            let file = YAMLFile.displayName(url)
            if url.pathExtension != "yaml" {
                problems.append(AnswerFileProblem(
                    file: file, line: 0, message: "answer files end in .yaml; rename it or it is not read"))
                continue
            }
            let root: Node
            switch YAMLFile.compose(url) {
            case .success(let node): root = node
            case .failure(let error):
                problems += error.problems
                continue
            }
            if url.lastPathComponent == SynonymsFile.name {
                let result = SynonymsFile.parse(root, file: file)
                synonyms = result.groups
                problems += result.problems
                continue
            }
            let expectedID = url.deletingPathExtension().lastPathComponent
            let intentFile = IntentFileParser.parse(root, file: file, expectedID: expectedID)
            problems += intentFile.problems
            parsed.append(intentFile)
        }
        if parsed.isEmpty && problems.isEmpty {
            problems.append(AnswerFileProblem(
                file: YAMLFile.displayName(directory.appendingPathComponent("*.yaml")), line: 0,
                message: "no answer files in the folder"))
        }

        problems += crossFileProblems(parsed)
        guard problems.isEmpty else {
            throw AnswerSetError(problems: sorted(problems))
        }
        var intents: [String: Intent] = [:]
        for file in parsed {
            if let intent = file.intent { intents[intent.id] = intent }
        }
        return AnswerSet(intents: intents, synonyms: synonyms, directory: directory)
    }

    /// Duplicate ids, `related` ids that no file defines, and examples that two intents share.
    static func crossFileProblems(_ files: [IntentFile]) -> [AnswerFileProblem] {
        var problems: [AnswerFileProblem] = []
        var ids: [String: String] = [:]
        for file in files {
            if let other = ids[file.id] {
                problems.append(AnswerFileProblem(
                    file: file.file, line: file.idLine, message: "duplicate id '\(file.id)' (also in \(other))"))
            } else {
                ids[file.id] = file.file
            }
        }
        // A file whose id is wrong still defines the intent its name says, so that one mistake is one problem.
        let defined = Set(ids.keys).union(files.map(\.expectedID))
        var examples: [String: (intent: String, file: String, line: Int)] = [:]
        for file in files {
            for related in file.related where !defined.contains(related.id) {
                problems.append(AnswerFileProblem(
                    file: file.file, line: related.line, message: "related intent '\(related.id)' does not exist"))
            }
            for example in file.examples {
                if let first = examples[example.normalized] {
                    if first.intent != file.id {
                        problems.append(AnswerFileProblem(
                            file: file.file, line: example.line,
                            message: "example '\(example.text)' is also under intent '\(first.intent)' "
                                + "(\(first.file):\(first.line)); an example may belong to one intent only"))
                    }
                } else {
                    examples[example.normalized] = (file.id, file.file, example.line)
                }
            }
        }
        return problems
    }

    static func sorted(_ problems: [AnswerFileProblem]) -> [AnswerFileProblem] {
        problems.enumerated().sorted { lhs, rhs in
            if lhs.element.file != rhs.element.file { return lhs.element.file < rhs.element.file }
            if lhs.element.line != rhs.element.line { return lhs.element.line < rhs.element.line }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
