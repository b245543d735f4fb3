public import IntentMatcher
import Yams

/// The kinds of cue that page a volunteer only together: one of them alone is everyday talk
/// ("tonight", "the bridge", "no way out"), two in one message are a warning sign.
public enum CueKind: String, Sendable, CaseIterable, Comparable {
    case means, act, time, hopeless, farewell, threat, person

    /// Two different kinds among these make an alarm.
    static let warningSigns: Set<CueKind> = [.means, .act, .time, .hopeless, .farewell]

    public static func < (lhs: CueKind, rhs: CueKind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether the kinds found in one message make an alarm: two warning signs, or a threat by a person.
    static func alarming(_ kinds: Set<CueKind>) -> Bool {
        kinds.intersection(warningSigns).count >= 2 || (kinds.contains(.threat) && kinds.contains(.person))
    }
}

/// One cue with the language of the file it came from (the language to answer in when it fires) and where
/// it is written, for explanations.
public struct Cue: Sendable, Equatable {
    public let pattern: CuePattern
    public let language: Language
    public let file: String
    public let line: Int

    public init(pattern: CuePattern, language: Language, file: String, line: Int) {
        self.pattern = pattern
        self.language = language
        self.file = file
        self.line = line
    }
}

/// Every cue of every language: the crisis lexicon as operators keep it in `intents/safety/cues/<lang>.yaml`.
public struct CrisisCues: Sendable {
    public var alone: [Cue] = []
    public var together: [CueKind: [Cue]] = [:]
    public var idioms: [Cue] = []

    public init() {}

    public var count: Int { alone.count + together.values.map(\.count).reduce(0, +) + idioms.count }

    /// The cues of one language, for the per-language counts of `entraide crisis check`.
    public func count(in language: Language) -> Int {
        (alone + together.values.flatMap { $0 } + idioms).filter { $0.language == language }.count
    }
}

/// Reads one cue file, reporting every problem with its line.
enum CrisisCueFile {
    static let allowedKeys = ["language", "alone", "together", "idioms"]

    static func parse(_ root: Node, file: String, expected: Language, into cues: inout CrisisCues, problems: inout ProblemList) {
        guard let pairs = root.pairs else {
            problems.add(root, "a cue file is a mapping with language, alone, together and idioms")
            return
        }
        let values = problems.values(of: pairs, allowed: allowedKeys, in: "a cue file")
        if let node = values["language"]?.value {
            let code = problems.text(node, named: "language")
            if code != expected.rawValue {
                problems.add(node, "language '\(code ?? "")' does not match the file name (\(expected.rawValue).yaml)")
            }
        } else {
            problems.add(line: 1, "missing 'language: \(expected.rawValue)'")
        }
        func compile(_ node: Node, named name: String) -> [Cue] {
            problems.texts(node, named: name).compactMap { text, item in
                do {
                    return Cue(pattern: try CuePattern(text), language: expected, file: file, line: item.line)
                } catch {
                    problems.add(item, "cue '\(text)': \(error)")
                    return nil
                }
            }
        }
        if let node = values["alone"]?.value { cues.alone += compile(node, named: "alone") }
        if let node = values["idioms"]?.value { cues.idioms += compile(node, named: "idioms") }
        if let node = values["together"]?.value {
            guard let kinds = node.pairs else {
                problems.add(node, "'together' is a mapping of kinds (\(CueKind.allCases.map(\.rawValue).joined(separator: ", "))) to lists of cues")
                return
            }
            for (key, keyNode, list) in kinds {
                guard let kind = CueKind(rawValue: key) else {
                    problems.add(keyNode, "unknown kind '\(key)' (kinds: \(CueKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                    continue
                }
                cues.together[kind, default: []] += compile(list, named: key)
            }
        }
    }
}
