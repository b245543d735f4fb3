public import Foundation
public import IntentMatcher
public import Logging
import Synchronization

/// The answer set being served, swapped whole on reload. A broken set is refused: the last good
/// one keeps serving and the operator reads every problem, with file and line, in the log.
public final class AnswerLibrary: Sendable {
    public struct Snapshot: Sendable {
        public let answers: AnswerSet
        public let matcher: Matcher
    }

    private let current: Mutex<Snapshot>
    public let directory: URL
    private let logger: Logger

    /// Loads the set at `directory`; fails (with every problem) when there is no good set to serve.
    public init(directory: URL, logger: Logger) throws(AnswerSetError) {
        let answers = try AnswerSetLoader.load(directory: directory)
        current = Mutex(Snapshot(answers: answers, matcher: Matcher(answers: answers)))
        self.directory = directory
        self.logger = logger
    }

    public var snapshot: Snapshot { current.withLock { $0 } }

    /// Loads the files again. Returns the problems when the new set was refused.
    @discardableResult
    public func reload() -> [AnswerFileProblem] {
        do {
            let answers = try AnswerSetLoader.load(directory: directory)
            let old = snapshot.answers
            current.withLock { $0 = Snapshot(answers: answers, matcher: Matcher(answers: answers)) }
            let added = Set(answers.intents.keys).subtracting(old.intents.keys)
            let removed = Set(old.intents.keys).subtracting(answers.intents.keys)
            let changed = answers.intents.filter { id, intent in old.intents[id].map { $0 != intent } ?? false }.keys
            logger.info(
                "answers.reloaded",
                metadata: [
                    "answers.count": "\(answers.intents.count)",
                    "answers.added": "\(added.sorted())",
                    "answers.removed": "\(removed.sorted())",
                    "answers.changed": "\(changed.sorted())",
                ])
            return []
        } catch {
            for problem in error.problems {
                logger.error("answers.refused", metadata: ["answers.problem": "\(problem)"])
            }
            logger.error("answers.kept_last_good_set", metadata: ["answers.problems": "\(error.problems.count)"])
            return error.problems
        }
    }
}
