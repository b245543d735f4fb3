public import Foundation
import Yams

/// Reads `intents/` into an `AnswerSet`, checking everything the format promises, and refuses the set with every
/// problem found (file and line), so that an operator can fix them in one go.
public enum AnswerSetLoader {
    /// Loads and validates intents/*.yaml, intents/synonyms.yaml and intents/out-of-scope.yaml (both optional) in
    /// `directory`.
    public static func load(directory: URL) throws(AnswerSetError) -> AnswerSet {
        let files: [URL]
        switch YAMLFile.list(directory) {
        case .success(let list): files = list
        case .failure(let error): throw error
        }
        let sources = files.map { url in
            AnswerFileSource(
                name: url.lastPathComponent, file: YAMLFile.displayName(url),
                contents: url.pathExtension == "yaml" ? try? Data(contentsOf: url) : nil)
        }
        return try load(sources, directory: directory)
    }

    /// The checks of ``load(directory:)`` on files already read, in the given order. The fuzz target and the
    /// tests that replay its corpus use it to load bytes as an answer file without writing them to disk.
    package static func load(_ sources: [AnswerFileSource], directory: URL) throws(AnswerSetError) -> AnswerSet {
        var problems: [AnswerFileProblem] = []
        var parsed: [IntentFile] = []
        var synonyms: [[String]] = []
        var outOfScope: OutOfScopeFile.Parsed?
        var outOfScopeName = ""
        for source in sources {
            let file = source.file
            guard source.name.hasSuffix(".yaml") else {
                problems.append(AnswerFileProblem(
                    file: file, line: 0, message: "answer files end in .yaml; rename it or it is not read"))
                continue
            }
            guard let contents = source.contents else {
                problems.append(AnswerFileProblem(file: file, line: 0, message: "cannot read the file"))
                continue
            }
            let root: Node
            switch YAMLFile.compose(contents, file: file) {
            case .success(let node): root = node
            case .failure(let error):
                problems += error.problems
                continue
            }
            if source.name == SynonymsFile.name {
                let result = SynonymsFile.parse(root, file: file)
                synonyms = result.groups
                problems += result.problems
                continue
            }
            if source.name == OutOfScopeFile.name {
                let result = OutOfScopeFile.parse(root, file: file)
                outOfScope = result
                outOfScopeName = file
                problems += result.problems
                continue
            }
            let expectedID = String(source.name.dropLast(".yaml".count))
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
        if let outOfScope {
            problems += outOfScopeProblems(outOfScope, file: outOfScopeName, intents: parsed)
        }
        guard problems.isEmpty else {
            throw AnswerSetError(problems: sorted(problems))
        }
        var intents: [String: Intent] = [:]
        for file in parsed {
            if let intent = file.intent { intents[intent.id] = intent }
        }
        return AnswerSet(intents: intents, synonyms: synonyms, directory: directory,
                         outOfScope: outOfScope?.examples ?? [:], outOfScopeReviewed: outOfScope?.reviewed)
    }

    /// An out-of-scope example that is also an intent's example says two opposite things about one message.
    static func outOfScopeProblems(_ outOfScope: OutOfScopeFile.Parsed, file: String, intents: [IntentFile])
        -> [AnswerFileProblem] {
        var examples: [String: (intent: String, file: String, line: Int)] = [:]
        for intent in intents {
            for example in intent.examples where examples[example.normalized] == nil {
                examples[example.normalized] = (intent.id, intent.file, example.line)
            }
        }
        return outOfScope.locations.compactMap { example in
            guard let intent = examples[example.normalized] else { return nil }
            return AnswerFileProblem(
                file: file, line: example.line,
                message: "out-of-scope example '\(example.text)' is an example of intent '\(intent.intent)' "
                    + "(\(intent.file):\(intent.line)); remove it from one of them")
        }
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

/// One answer file to load: its name in the folder (`crisis.yaml`), how problems name it (`intents/crisis.yaml`),
/// and its bytes, or nil when it could not be read.
package struct AnswerFileSource: Sendable {
    package var name: String
    package var file: String
    package var contents: Data?

    package init(name: String, file: String, contents: Data?) {
        self.name = name
        self.file = file
        self.contents = contents
    }
}
