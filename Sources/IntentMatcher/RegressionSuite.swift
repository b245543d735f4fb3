public import Foundation
import Yams

/// One phrase a worker might send, with the intent it must reach (nil: out of scope, it must fall back).
public struct RegressionPhrase: Sendable, Equatable {
    public var text: String
    public var language: Language
    /// The intent the phrase must reach; nil for out-of-scope phrases (`intent: none`), which must fall back.
    public var expected: String?
    public var file: String
    public var line: Int

    public init(text: String, language: Language, expected: String?, file: String, line: Int) {
        self.text = text
        self.language = language
        self.expected = expected
        self.file = file
        self.line = line
    }
}

/// A folder of phrase files such as `intents/tests` (regression) or `intents/heldout` (measure only):
/// `intent: <id>|none` and `phrases: {en: [...], fr: [...]}` per file.
public enum RegressionSuite {
    public static func load(directory: URL) throws(AnswerSetError) -> [RegressionPhrase] {
        var problems: [AnswerFileProblem] = []
        var phrases: [RegressionPhrase] = []
        let files: [URL]
        switch YAMLFile.list(directory) {
        case .success(let list): files = list
        case .failure(let error): throw error
        }
        for url in files {
            let file = YAMLFile.displayName(url)
            switch YAMLFile.compose(url) {
            case .failure(let error):
                problems += error.problems
            case .success(let root):
                var list = ProblemList(file: file)
                phrases += parse(root, list: &list)
                problems += list.problems
            }
        }
        guard problems.isEmpty else { throw AnswerSetError(problems: AnswerSetLoader.sorted(problems)) }
        return phrases
    }

    private static func parse(_ root: Node, list: inout ProblemList) -> [RegressionPhrase] {
        guard let pairs = root.pairs else {
            list.add(root, "a phrase file must be a mapping with 'intent' and 'phrases', found \(root.kindName)")
            return []
        }
        let values = list.values(of: pairs, allowed: ["intent", "phrases"], in: "a phrase file")
        guard let intentNode = values["intent"]?.value, let intent = list.text(intentNode, named: "intent") else {
            list.add(root, "missing 'intent' (an intent id, or none for out-of-scope phrases)")
            return []
        }
        guard let phrasesNode = values["phrases"]?.value else {
            list.add(root, "missing 'phrases'")
            return []
        }
        guard let languages = phrasesNode.pairs else {
            list.add(phrasesNode, "'phrases' must map languages to lists, found \(phrasesNode.kindName)")
            return []
        }
        var result: [RegressionPhrase] = []
        for (key, keyNode, value) in languages {
            guard let language = Language(rawValue: key) else {
                list.add(keyNode, "unknown language '\(key)' (use en, fr, es, pt, ar)")
                continue
            }
            for (text, node) in list.texts(value, named: "phrases.\(key)") {
                result.append(RegressionPhrase(
                    text: text, language: language, expected: intent == "none" ? nil : intent, file: list.file,
                    line: node.line))
            }
        }
        return result
    }
}
