public import Foundation
import Yams
public import IntentMatcher

/// What the helpline checks before anything else on every message, and what it tells a worker in crisis:
/// the crisis cues and the crisis lines, read from `intents/safety/` beside the answer files.
public struct SafetyNet: Sendable {
    public let detector: RiskDetector
    public let directory: CrisisDirectory

    public init(detector: RiskDetector, directory: CrisisDirectory) {
        self.detector = detector
        self.directory = directory
    }

    /// The folder inside the answers' folder.
    public static let folder = "safety"
    public static let directoryFile = "crisis-lines.yaml"

    /// Loads `<intents>/safety/cues/<lang>.yaml` for every language and `<intents>/safety/crisis-lines.yaml`.
    /// Refuses (every problem, file and line) when a language has no cue file or a line lacks a source or a
    /// verified date: a helpline must not serve without its safety net, so the last good one keeps serving.
    public static func load(intents: URL) throws(AnswerSetError) -> SafetyNet {
        let folder = intents.appendingPathComponent(Self.folder)
        var problems: [AnswerFileProblem] = []
        var cues = CrisisCues()
        for language in Language.allCases {
            let url = folder.appendingPathComponent("cues").appendingPathComponent("\(language.rawValue).yaml")
            let name = "\(Self.folder)/cues/\(language.rawValue).yaml"
            guard FileManager.default.fileExists(atPath: url.path) else {
                problems.append(AnswerFileProblem(
                    file: name, line: 0,
                    message: "missing: every language needs its crisis cues (docs/operators.md, 'Crisis cues')"))
                continue
            }
            switch YAMLFile.compose((try? Data(contentsOf: url)) ?? Data(), file: name) {
            case .failure(let error): problems += error.problems
            case .success(let root):
                var list = ProblemList(file: name)
                CrisisCueFile.parse(root, file: name, expected: language, into: &cues, problems: &list)
                problems += list.problems
            }
        }
        var directory = CrisisDirectory()
        let directoryName = "\(Self.folder)/\(Self.directoryFile)"
        switch YAMLFile.compose((try? Data(contentsOf: folder.appendingPathComponent(Self.directoryFile))) ?? Data(), file: directoryName) {
        case .failure(let error): problems += error.problems
        case .success(let root):
            var list = ProblemList(file: directoryName)
            directory = CrisisDirectoryFile.parse(root, problems: &list)
            problems += list.problems
        }
        guard problems.isEmpty else { throw AnswerSetError(problems: problems) }
        return SafetyNet(detector: RiskDetector(cues: cues), directory: directory)
    }

    /// What an operator should look at without the set being refused: lines not checked for six months.
    public func warnings(at now: Date) -> [String] {
        directory.stale(at: now).map { country, line in
            "\(Self.folder)/\(Self.directoryFile): \(country.code) \(line.service) was last verified \(line.verified), "
                + "more than 6 months ago; check it at \(line.source) and update 'verified'"
        }
    }
}
