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
    /// Where a real message was published (real-message files only).
    public var source: String?

    public init(text: String, language: Language, expected: String?, file: String, line: Int, source: String? = nil) {
        self.text = text
        self.language = language
        self.expected = expected
        self.file = file
        self.line = line
        self.source = source
    }
}

/// A folder of phrase files such as `intents/tests` (regression) or `intents/heldout` (measure only):
/// `intent: <id>|none` and `phrases: {en: [...], fr: [...]}` per file. A folder of real messages
/// (`intents/real`) holds lists instead, one item per message with where it was published:
/// `- {url: https://…, language: es, intent: <id>|out-of-scope, text: …}`.
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
        if let items = root.items { return parseMessages(items, list: &list) }
        guard let pairs = root.pairs else {
            list.add(root, "a phrase file must be a mapping with 'intent' and 'phrases' (or a list of real "
                + "messages), found \(root.kindName)")
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

    /// Real messages: each names the page it comes from, so that anyone can check it was written by a worker.
    private static func parseMessages(_ items: [Node], list: inout ProblemList) -> [RegressionPhrase] {
        var result: [RegressionPhrase] = []
        for item in items {
            guard let pairs = item.pairs else {
                list.add(item, "a real message must be a mapping with url, language, intent and text, found \(item.kindName)")
                continue
            }
            let values = list.values(of: pairs, allowed: ["url", "language", "intent", "text"], in: "a real message")
            guard let urlNode = values["url"]?.value, let url = list.text(urlNode, named: "url"),
                let languageNode = values["language"]?.value, let code = list.text(languageNode, named: "language"),
                let intentNode = values["intent"]?.value, let intent = list.text(intentNode, named: "intent"),
                let textNode = values["text"]?.value, let text = list.text(textNode, named: "text")
            else {
                list.add(item, "a real message needs url, language, intent and text")
                continue
            }
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                list.add(urlNode, "url '\(url)' is not a web link; say where the message was published")
                continue
            }
            guard let language = Language(rawValue: code) else {
                list.add(languageNode, "unknown language '\(code)' (use en, fr, es, pt, ar)")
                continue
            }
            let outOfScope = intent == "none" || intent == "out-of-scope"
            result.append(RegressionPhrase(text: text, language: language, expected: outOfScope ? nil : intent,
                                           file: list.file, line: textNode.line, source: url))
        }
        return result
    }
}
