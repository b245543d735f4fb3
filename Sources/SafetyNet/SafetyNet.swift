public import Foundation
import Yams
public import IntentMatcher

/// What the helpline checks before anything else on every message, and what it tells a worker in crisis:
/// the crisis cues and the crisis lines, read from `intents/safety/` beside the answer files, or the copy
/// built into entraide when the answers' folder has no `safety/` folder.
public struct SafetyNet: Sendable {
    public let detector: RiskDetector
    /// The learned second net (`LearnedRisk`), trained from `safety/tests/` and the answer files when both are
    /// there; nil with the built-in cues, which come without a corpus.
    public let learned: LearnedRisk?
    public let directory: CrisisDirectory
    /// Whether these are the cues and lines built into entraide (`BuiltInSafety`), not an operator's files.
    public let isBuiltIn: Bool
    /// Why the learned net is off or learned less than the folder holds (a corpus file that does not parse):
    /// said by `warnings(at:)`, so that `intents check` and the log show it.
    public var learnedProblem: String?

    public init(detector: RiskDetector, directory: CrisisDirectory, isBuiltIn: Bool = false, learned: LearnedRisk? = nil) {
        self.detector = detector
        self.learned = learned
        self.directory = directory
        self.isBuiltIn = isBuiltIn
    }

    /// Whether a message may be a crisis: the cues first, which say why (the cues that fired); then the learned
    /// net, which catches phrasings no cue lists (`learned: 0.73`, its probability, in place of cues). The one
    /// place the helpline, `crisis test` and `crisis explain` ask. `learning` false: the cues alone (the
    /// helpline's own commands, see `HelplineEngine.risk`).
    public func assess(_ text: String, learning: Bool = true) -> RiskAssessment? {
        if let alarm = detector.assess(text) { return alarm }
        guard learning, let learned, let read = learned.assess(text), read.probability >= learned.threshold else {
            return nil
        }
        return RiskAssessment(language: read.language, cues: [String(format: "learned: %.2f", read.probability)])
    }

    /// The learned net of a safety folder (or of the copy built into entraide, both read by `read`): the crisis
    /// phrasings of its corpus (`tests/`, and `learn/`, which the cues are not asked to catch) and the examples
    /// of the answer files' urgent intents are crises; the corpora's controls, every other intent's examples and
    /// the out-of-scope examples are not. Nil when there is no corpus or the answer files cannot be read (the
    /// cues serve alone; the answer set's own load reports its problems), with the reason for a warning.
    static func learnedRisk(intents: URL, label: String, read: (String) -> Data?) -> (net: LearnedRisk?, problem: String?) {
        func corpus(_ folder: String) throws(AnswerSetError) -> CrisisCorpus? {
            guard Language.allCases.contains(where: { read("\(folder)/\($0.rawValue).yaml") != nil }) else { return nil }
            return try CrisisCorpus.load(label: "\(label)/\(folder)") { file in
                read("\(folder)/\(file)").map { ($0, "\(label)/\(folder)/\(file)") }
            }
        }
        let tests: CrisisCorpus
        do {
            guard let found = try corpus("tests") else {
                return (nil, "\(Self.folder)/tests: no corpus, so no learned net: the cues serve alone")
            }
            tests = found
        } catch {
            return (nil, "\(label)/tests: \(error.problems.first.map(\.description) ?? "unreadable"); "
                + "the learned net is off until it is fixed (the cues serve)")
        }
        guard let answers = try? AnswerSetLoader.load(directory: intents) else { return (nil, nil) }  // refused elsewhere
        var phrases = tests.phrases
        var problem: String?
        do {
            phrases += try corpus(Self.learnFolder)?.phrases ?? []
        } catch {
            problem = "\(label)/\(Self.learnFolder): \(error.problems.first.map(\.description) ?? "unreadable"); "
                + "the learned net learns without it until it is fixed"
        }
        var crisis = phrases.filter(\.crisis).map { (text: $0.text, language: $0.language) }
        var other = phrases.filter { !$0.crisis }.map(\.text)
        for intent in answers.intents.values.sorted(by: { $0.id < $1.id }) {
            for language in Language.allCases {
                for example in intent.examples[language] ?? [] {
                    if intent.escalate == .urgent { crisis.append((example, language)) } else { other.append(example) }
                }
            }
        }
        for language in Language.allCases { other += answers.outOfScope[language] ?? [] }
        return (LearnedRisk(crisis: crisis, other: other), problem)
    }

    /// The folder inside the answers' folder.
    public static let folder = "safety"
    public static let directoryFile = "crisis-lines.yaml"
    /// Crisis phrasings (and controls) only the learned net learns from: the cues need not catch them yet.
    public static let learnFolder = "learn"

    /// What `intents check` prints and the log says when the built-in cues and lines serve.
    public static let builtInWarning = "\(folder)/: no folder here; serving the crisis cues and lines built into entraide "
        + "\(BuiltInSafety.release) (copy intents/\(folder) from the release to review or extend them)"

    /// Loads `<intents>/safety/cues/<lang>.yaml` for every language and `<intents>/safety/crisis-lines.yaml`.
    /// Refuses (every problem, file and line) when a language has no cue file or a line lacks a source or a
    /// verified date: a helpline must not serve without its safety net, so the last good one keeps serving.
    ///
    /// When `<intents>/safety` does not exist at all (a new deployment, a generated answer set), the cues and
    /// lines built into this release serve instead, through the same checks; `warnings(at:)` says so. A
    /// `safety` folder that exists but lacks a file is refused as above: an operator who started editing must
    /// finish, and a half-copied folder must not quietly fall back to cues they did not choose.
    public static func load(intents: URL) throws(AnswerSetError) -> SafetyNet {
        let folder = intents.appendingPathComponent(Self.folder)
        let builtIn = !FileManager.default.fileExists(atPath: folder.path)
        let label = builtIn ? "entraide \(BuiltInSafety.release) built-in \(Self.folder)" : Self.folder
        let read: (String) -> Data? = builtIn ? { name in BuiltInSafety.files[name].map { Data($0.utf8) } } : { name in
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            return (try? Data(contentsOf: url)) ?? Data()
        }
        let net = try parse(label: label, isBuiltIn: builtIn, read: read)
        let (learned, problem) = learnedRisk(intents: intents, label: label, read: read)
        var loaded = SafetyNet(detector: net.detector, directory: net.directory, isBuiltIn: builtIn, learned: learned)
        loaded.learnedProblem = problem
        return loaded
    }

    /// Parses the files that `read` gives by their path inside `safety/` (nil: no such file); `label` starts
    /// the file names in problems.
    private static func parse(
        label: String, isBuiltIn: Bool, read: (String) -> Data?
    ) throws(AnswerSetError) -> SafetyNet {
        var problems: [AnswerFileProblem] = []
        var cues = CrisisCues()
        for language in Language.allCases {
            let name = "\(label)/cues/\(language.rawValue).yaml"
            guard let data = read("cues/\(language.rawValue).yaml") else {
                problems.append(AnswerFileProblem(
                    file: name, line: 0,
                    message: "missing: every language needs its crisis cues (docs/operators.md, 'Crisis cues')"))
                continue
            }
            switch YAMLFile.compose(data, file: name) {
            case .failure(let error): problems += error.problems
            case .success(let root):
                var list = ProblemList(file: name)
                CrisisCueFile.parse(root, file: name, expected: language, into: &cues, problems: &list)
                problems += list.problems
            }
        }
        var directory = CrisisDirectory()
        let directoryName = "\(label)/\(Self.directoryFile)"
        switch YAMLFile.compose(read(Self.directoryFile) ?? Data(), file: directoryName) {
        case .failure(let error): problems += error.problems
        case .success(let root):
            var list = ProblemList(file: directoryName)
            directory = CrisisDirectoryFile.parse(root, problems: &list)
            problems += list.problems
        }
        guard problems.isEmpty else { throw AnswerSetError(problems: problems) }
        return SafetyNet(detector: RiskDetector(cues: cues), directory: directory, isBuiltIn: isBuiltIn)
    }

    /// What an operator should look at without the set being refused: the built-in set serving, then
    /// `staleLines(at:)`.
    public func warnings(at now: Date) -> [String] {
        (isBuiltIn ? [Self.builtInWarning] : []) + (learnedProblem.map { [$0] } ?? []) + staleLines(at: now)
    }

    /// Lines not checked for six months.
    public func staleLines(at now: Date) -> [String] {
        directory.stale(at: now).map { country, line in
            "\(Self.folder)/\(Self.directoryFile): \(country.code) \(line.service) was last verified \(line.verified), "
                + "more than 6 months ago; check it at \(line.source) and update 'verified'"
        }
    }
}
