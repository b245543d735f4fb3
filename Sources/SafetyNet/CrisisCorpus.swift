public import Foundation
import Yams
public import IntentMatcher

/// The phrasings kept to prove the detector: per language, messages that must raise the alarm and
/// controls (idioms, work stress) that should not. `intents/safety/tests/<lang>.yaml`.
public struct CrisisCorpus: Sendable {
    public struct Phrase: Sendable, Equatable {
        public var text: String
        public var language: Language
        public var crisis: Bool
        public var file: String
        public var line: Int
    }

    public var phrases: [Phrase]

    public init(phrases: [Phrase]) {
        self.phrases = phrases
    }

    public static func load(directory: URL) throws(AnswerSetError) -> CrisisCorpus {
        try load(label: directory.path) { file in
            let url = directory.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            return ((try? Data(contentsOf: url)) ?? Data(), YAMLFile.displayName(url))
        }
    }

    /// The corpus whose `<lang>.yaml` files `read` gives (their bytes and the name problems cite; nil: no such
    /// file): a folder, or the copy built into entraide (`BuiltInSafety`).
    static func load(label: String, read: (String) -> (Data, String)?) throws(AnswerSetError) -> CrisisCorpus {
        var phrases: [Phrase] = []
        var problems: [AnswerFileProblem] = []
        for language in Language.allCases {
            guard let (data, name) = read("\(language.rawValue).yaml") else { continue }
            switch YAMLFile.compose(data, file: name) {
            case .failure(let error): problems += error.problems
            case .success(let root):
                var list = ProblemList(file: name)
                guard let pairs = root.pairs else {
                    list.add(root, "a corpus file is a mapping with language, crisis and controls")
                    problems += list.problems
                    continue
                }
                let values = list.values(of: pairs, allowed: ["language", "crisis", "controls"], in: "a corpus file")
                for (key, crisis) in [("crisis", true), ("controls", false)] {
                    guard let node = values[key]?.value else { continue }
                    for (text, item) in list.texts(node, named: key) {
                        phrases.append(Phrase(text: text, language: language, crisis: crisis, file: name, line: item.line))
                    }
                }
                problems += list.problems
            }
        }
        if phrases.isEmpty {
            problems.append(AnswerFileProblem(file: label, line: 0, message: "no crisis phrasings found (<lang>.yaml)"))
        }
        guard problems.isEmpty else { throw AnswerSetError(problems: problems) }
        return CrisisCorpus(phrases: phrases)
    }
}

/// Recall on the crisis phrasings and false alarms on the controls, per language.
public struct CrisisReport: Sendable {
    public struct Row: Sendable, Equatable {
        public var language: Language
        public var crisis = 0
        public var caught = 0
        public var controls = 0
        public var alarms = 0
        public var recall: Double { crisis == 0 ? 1 : Double(caught) / Double(crisis) }
        public var falseAlarmRate: Double { controls == 0 ? 0 : Double(alarms) / Double(controls) }
    }

    public var rows: [Row]
    /// Crisis phrasings that raised no alarm, and controls that did (with the cues that fired).
    public var missed: [CrisisCorpus.Phrase]
    public var falseAlarms: [(CrisisCorpus.Phrase, [String])]

    /// The cues alone.
    public init(detector: RiskDetector, corpus: CrisisCorpus) {
        self.init(corpus: corpus, assess: detector.assess)
    }

    /// What the helpline does: the cues, then the learned net (`SafetyNet.assess`).
    public init(net: SafetyNet, corpus: CrisisCorpus) {
        self.init(corpus: corpus, assess: { net.assess($0) })
    }

    init(corpus: CrisisCorpus, assess: (String) -> RiskAssessment?) {
        var rows: [Language: Row] = [:]
        missed = []
        falseAlarms = []
        for phrase in corpus.phrases {
            var row = rows[phrase.language] ?? Row(language: phrase.language)
            let alarm = assess(phrase.text)
            if phrase.crisis {
                row.crisis += 1
                if alarm != nil { row.caught += 1 } else { missed.append(phrase) }
            } else {
                row.controls += 1
                if let alarm {
                    row.alarms += 1
                    falseAlarms.append((phrase, alarm.cues))
                }
            }
            rows[phrase.language] = row
        }
        self.rows = rows.values.sorted { $0.language < $1.language }
    }

    public var total: Row {
        rows.reduce(into: Row(language: .en)) { sum, row in
            sum.crisis += row.crisis
            sum.caught += row.caught
            sum.controls += row.controls
            sum.alarms += row.alarms
        }
    }
}
