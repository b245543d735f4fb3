public import Foundation
import Yams
public import IntentMatcher

/// What the helpline checks before anything else on every message, and what it tells a worker in crisis:
/// the crisis cues and the crisis lines, read from `intents/safety/` beside the answer files, or the copy
/// built into entraide when the answers' folder has no `safety/` folder.
public struct SafetyNet: Sendable {
    public let detector: RiskDetector
    public let directory: CrisisDirectory
    /// Whether these are the cues and lines built into entraide (`BuiltInSafety`), not an operator's files.
    public let isBuiltIn: Bool

    public init(detector: RiskDetector, directory: CrisisDirectory, isBuiltIn: Bool = false) {
        self.detector = detector
        self.directory = directory
        self.isBuiltIn = isBuiltIn
    }

    /// The folder inside the answers' folder.
    public static let folder = "safety"
    public static let directoryFile = "crisis-lines.yaml"

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
        guard FileManager.default.fileExists(atPath: folder.path) else {
            return try parse(label: "entraide \(BuiltInSafety.release) built-in \(Self.folder)", isBuiltIn: true) { name in
                BuiltInSafety.files[name].map { Data($0.utf8) }
            }
        }
        return try parse(label: Self.folder, isBuiltIn: false) { name in
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            return (try? Data(contentsOf: url)) ?? Data()
        }
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
        (isBuiltIn ? [Self.builtInWarning] : []) + staleLines(at: now)
    }

    /// Lines not checked for six months.
    public func staleLines(at now: Date) -> [String] {
        directory.stale(at: now).map { country, line in
            "\(Self.folder)/\(Self.directoryFile): \(country.code) \(line.service) was last verified \(line.verified), "
                + "more than 6 months ago; check it at \(line.source) and update 'verified'"
        }
    }
}
