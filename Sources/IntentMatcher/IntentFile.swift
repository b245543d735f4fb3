import Foundation
import Yams

/// One intent file read and checked on its own; the checks that need every file (duplicate ids, `related`,
/// examples under two intents) are done by `AnswerSetLoader` with the locations kept here.
struct IntentFile {
    /// The id as written (or the file name when it is missing), and the file, even when `intent` is nil.
    var id: String
    var expectedID: String
    var file: String
    var intent: Intent?
    var problems: [AnswerFileProblem]
    /// Where the id was written, for "duplicate id".
    var idLine: Int
    /// Every `related` id with its line.
    var related: [(id: String, line: Int)]
    /// Every example with its normalised form and line, for "appears under two intents".
    var examples: [(normalized: String, text: String, line: Int)]
}

enum IntentFileParser {
    static let keys = ["id", "escalate", "reviewed", "sources", "related", "asks", "examples", "answers"]
    static let answerKeys = ["short", "more"]
    /// The prefixes of intents that state facts about pay and rights: they must say where the facts come from.
    static let sourcedPrefixes = ["rejection-", "pay-", "rights-", "union-"]
    static let minimumExamples = 3
    static let maximumShort = 400
    static let maximumMore = 1000

    /// Checks `root` (the composed YAML of `file`) as an intent whose id must be `expectedID`.
    static func parse(_ root: Node, file: String, expectedID: String) -> IntentFile {
        var list = ProblemList(file: file)
        var result = IntentFile(
            id: expectedID, expectedID: expectedID, file: file, intent: nil, problems: [], idLine: 1, related: [],
            examples: [])
        guard let pairs = root.pairs else {
            list.add(root, "an answer file must be a mapping with id, escalate, reviewed, examples and answers; "
                + "found \(root.kindName)")
            result.problems = list.problems
            return result
        }
        let values = list.values(of: pairs, allowed: keys, in: "an intent")
        func required(_ key: String) -> Node? {
            if let value = values[key]?.value { return value }
            list.add(root, "missing required key '\(key)'")
            return nil
        }

        var id = expectedID
        if let node = required("id") {
            result.idLine = node.line
            if let text = list.text(node, named: "id") {
                id = text
                if text.isEmpty || !text.unicodeScalars.allSatisfy(isIDCharacter) {
                    list.add(node, "id '\(text)' may only use a-z, 0-9 and '-'")
                }
                if text != expectedID {
                    list.add(node, "id '\(text)' does not match the file name (expected '\(expectedID)')")
                }
            } else {
                list.add(node, "id is empty")
            }
        }

        var escalation: Escalation?
        if let node = required("escalate"), let text = list.text(node, named: "escalate") {
            escalation = Escalation(rawValue: text)
            if escalation == nil {
                list.add(node, "escalate is '\(text)'; it must be never, offer, always or urgent")
            }
        }

        var reviewed = ""
        if let node = required("reviewed") {
            if let text = list.text(node, named: "reviewed") {
                reviewed = text
                if !isValidDate(text) { list.add(node, "reviewed '\(text)' is not a real date written YYYY-MM-DD") }
            } else if node.isNull {
                list.add(node, "reviewed is empty; write the date a person last checked the facts (YYYY-MM-DD)")
            }
        }

        var sources: [String] = []
        if let node = values["sources"]?.value {
            for (text, item) in list.texts(node, named: "sources") {
                if isWebURL(text) {
                    sources.append(text)
                } else {
                    list.add(item, "source '\(text)' is not an http(s) URL")
                }
            }
        }
        if sourcedPrefixes.contains(where: id.hasPrefix), sources.isEmpty {
            let line = values["sources"]?.keyNode.line ?? result.idLine
            list.add(line: line, "intents whose id starts with \(sourcedPrefixes.joined(separator: ", ")) "
                + "need at least one source URL")
        }

        if let node = values["related"]?.value {
            result.related = list.texts(node, named: "related").map { ($0.text, $0.node.line) }
            for item in result.related where item.id == id {
                list.add(line: item.line, "intent '\(id)' lists itself as related")
            }
        }

        var asks: [FollowUp] = []
        if let node = values["asks"]?.value {
            for (text, item) in list.texts(node, named: "asks") {
                if let slot = FollowUp(rawValue: text) {
                    asks.append(slot)
                } else {
                    list.add(item, "asks '\(text)': the helpline can ask for "
                        + FollowUp.allCases.map(\.rawValue).joined(separator: " or "))
                }
            }
        }

        var examples: [Language: [String]] = [:]
        var exampleLines: [Language: Int] = [:]
        let examplesNode = required("examples")
        if let node = examplesNode {
            parseExamples(node, into: &examples, lines: &exampleLines, locations: &result.examples, list: &list)
        }

        var answers: [Language: Answer] = [:]
        var answerLines: [Language: Int] = [:]
        let answersNode = required("answers")
        if let node = answersNode {
            parseAnswers(node, into: &answers, lines: &answerLines, list: &list)
        }

        checkLanguages(
            examples: exampleLines, examplesNode: examplesNode, examplesLine: values["examples"]?.keyNode.line,
            answers: answerLines, answersNode: answersNode, answersLine: values["answers"]?.keyNode.line,
            list: &list)

        result.id = id
        result.problems = list.problems
        if let escalation {
            result.intent = Intent(
                id: id, escalate: escalation, reviewed: reviewed, sources: sources,
                related: result.related.map(\.id), examples: examples, answers: answers, file: file, asks: asks)
        }
        return result
    }

    static func parseExamples(
        _ node: Node, into examples: inout [Language: [String]], lines: inout [Language: Int],
        locations: inout [(normalized: String, text: String, line: Int)], list: inout ProblemList,
        minimum: Int = minimumExamples
    ) {
        guard let pairs = node.pairs else {
            list.add(node, "'examples' must map languages (en, fr, es, pt, ar) to lists, found \(node.kindName)")
            return
        }
        for (key, keyNode, value) in pairs {
            guard let language = Language(rawValue: key) else {
                list.add(keyNode, "unknown language '\(key)' in examples (use en, fr, es, pt, ar)")
                continue
            }
            lines[language] = keyNode.line
            var seen: Set<String> = []
            var texts: [String] = []
            for (text, item) in list.texts(value, named: "examples.\(key)") {
                let normalized = TextNormalizer.normalize(text)
                if normalized.isEmpty {
                    list.add(item, "example '\(text)' has no letters or digits, so nothing can match it")
                    continue
                }
                if !seen.insert(normalized).inserted {
                    list.add(item, "example '\(text)' is repeated in \(key)")
                    continue
                }
                texts.append(text)
                locations.append((normalized, text, item.line))
            }
            if texts.count < minimum {
                list.add(keyNode, "only \(texts.count) example(s) in \(key); write at least \(minimum)")
            }
            examples[language] = texts
        }
    }

    private static func parseAnswers(
        _ node: Node, into answers: inout [Language: Answer], lines: inout [Language: Int], list: inout ProblemList
    ) {
        guard let pairs = node.pairs else {
            list.add(node, "'answers' must map languages (en, fr, es, pt, ar) to short/more, found \(node.kindName)")
            return
        }
        for (key, keyNode, value) in pairs {
            guard let language = Language(rawValue: key) else {
                list.add(keyNode, "unknown language '\(key)' in answers (use en, fr, es, pt, ar)")
                continue
            }
            lines[language] = keyNode.line
            guard let fields = value.pairs else {
                list.add(value, "answers.\(key) must have 'short' (and optionally 'more'), found \(value.kindName)")
                continue
            }
            let values = list.values(of: fields, allowed: answerKeys, in: "answers.\(key)")
            var short: String?
            if let shortNode = values["short"]?.value {
                short = answerText(shortNode, name: "answers.\(key).short", limit: maximumShort, list: &list)
            } else {
                list.add(keyNode, "answers.\(key) has no 'short' answer")
            }
            var more: String?
            if let moreNode = values["more"]?.value {
                more = answerText(moreNode, name: "answers.\(key).more", limit: maximumMore, list: &list)
            }
            if let short { answers[language] = Answer(short: short, more: more) }
        }
    }

    private static func answerText(_ node: Node, name: String, limit: Int, list: inout ProblemList) -> String? {
        guard let raw = list.text(node, named: name) else {
            if node.isNull { list.add(node, "\(name) is empty") }
            return nil
        }
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            list.add(node, "\(name) is empty")
            return nil
        }
        if text.count > limit {
            list.add(node, "\(name) has \(text.count) characters; at most \(limit)")
        }
        return text
    }

    /// Required languages, and the same languages in examples and answers. Reported at the `examples:` or
    /// `answers:` line for a missing language, at the language's own line for one present on one side only.
    private static func checkLanguages(
        examples: [Language: Int], examplesNode: Node?, examplesLine: Int?, answers: [Language: Int],
        answersNode: Node?, answersLine: Int?, list: inout ProblemList
    ) {
        for language in Language.required {
            if let examplesLine, examples[language] == nil, examplesNode?.pairs != nil {
                list.add(line: examplesLine, "examples lack required language \(language.rawValue)")
            }
            if let answersLine, answers[language] == nil, answersNode?.pairs != nil {
                list.add(line: answersLine, "answers lack required language \(language.rawValue)")
            }
        }
        guard examplesNode?.pairs != nil, answersNode?.pairs != nil else { return }
        for (language, line) in examples where answers[language] == nil && !Language.required.contains(language) {
            list.add(line: line, "examples have \(language.rawValue) but answers do not")
        }
        for (language, line) in answers where examples[language] == nil && !Language.required.contains(language) {
            list.add(line: line, "answers have \(language.rawValue) but examples do not")
        }
    }

    static func isIDCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
    }

    /// YYYY-MM-DD naming a day that exists (2026-02-29 does not).
    static func isValidDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    static func isWebURL(_ text: String) -> Bool {
        guard !text.contains(where: \.isWhitespace), let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty else { return false }
        return true
    }
}
