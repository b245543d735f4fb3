import CMalloc
public import Foundation
public import IntentMatcher
public import Logging
public import SafetyNet
import Synchronization

/// The answer set being served, swapped whole on reload. A broken set is refused: the last good
/// one keeps serving and the operator reads every problem, with file and line, in the log.
public final class AnswerLibrary: Sendable {
    public struct Snapshot: Sendable {
        public let answers: AnswerSet
        public let matcher: Matcher
        /// The crisis cues and lines, from `intents/safety/` (or built in when that folder does not exist):
        /// swapped with the answers, refused with them.
        public let safety: SafetyNet
        /// The groups a follow-up points to (`intents/referrals/`), checked against the answers and the
        /// crisis directory's countries: refused with them.
        public let referrals: ReferralDirectory

        public init(answers: AnswerSet, matcher: Matcher, safety: SafetyNet, referrals: ReferralDirectory = ReferralDirectory()) {
            self.answers = answers
            self.matcher = matcher
            self.safety = safety
            self.referrals = referrals
        }

        /// The engine that answers with this set.
        public func engine(defaultLanguage: Language = .en) -> HelplineEngine {
            HelplineEngine(answers: answers, matcher: matcher, safety: safety, defaultLanguage: defaultLanguage,
                           referrals: referrals)
        }
    }

    /// The answers and the safety net of `directory`, checked together: a set is served whole or not at all.
    /// With a `cache`, the matcher's model is read back from there when the set has not changed (`MatcherCache`).
    public static func load(directory: URL, cache: MatcherCache? = nil) throws(AnswerSetError) -> Snapshot {
        try loadReporting(directory: directory, cache: cache).snapshot
    }

    private static func loadReporting(directory: URL, cache: MatcherCache?)
        throws(AnswerSetError) -> (snapshot: Snapshot, cache: MatcherCache.Outcome?) {
        // The safety net (its cue files parsed and compiled) is read on one core while the answers are read and
        // the matcher built on the other: the two share nothing, and the safety net was a quarter of a start with
        // the model kept (perf of `entraide chat`, 2026-12-07). A matcher built for a set that then turns out to
        // be refused (a broken cue file) is thrown away: only a broken set pays for it.
        let loaded = Mutex<(answers: Result<AnswerSet, AnswerSetError>?, safety: Result<SafetyNet, AnswerSetError>?,
                            built: (matcher: Matcher, outcome: MatcherCache.Outcome?)?)>((nil, nil, nil))
        DispatchQueue.concurrentPerform(iterations: 2) { job in
            if job == 0 {
                let safety = Result { () throws(AnswerSetError) in try SafetyNet.load(intents: directory) }
                loaded.withLock { $0.safety = safety }
            } else {
                let answers = Result { () throws(AnswerSetError) in try AnswerSetLoader.load(directory: directory) }
                loaded.withLock { $0.answers = answers }
                guard case .success(let set) = answers else { return }
                let built = cache.map { $0.matcher(for: set) }
                let matcher = built?.matcher ?? Matcher(answers: set)
                loaded.withLock { $0.built = (matcher, built?.outcome) }
            }
        }
        let results = loaded.withLock { $0 }
        var problems: [AnswerFileProblem] = []
        func value<Loaded>(_ result: Result<Loaded, AnswerSetError>?) -> Loaded? {
            switch result {
            case .success(let loaded): return loaded
            case .failure(let error): problems += error.problems
            case nil: preconditionFailure("a load did not finish")
            }
            return nil
        }
        let answers = value(results.answers)
        let safety = value(results.safety)
        var referrals = ReferralDirectory()
        if let answers, let safety {
            do {
                referrals = try ReferralDirectory.load(
                    intents: directory, countries: safety.directory, topics: Set(answers.intents.keys))
            } catch {
                problems += error.problems
            }
        }
        guard let answers, let safety, let built = results.built, problems.isEmpty else { throw AnswerSetError(problems: problems) }
        let snapshot = Snapshot(answers: answers, matcher: built.matcher, safety: safety, referrals: referrals)
        // Training the matcher frees tens of MB that glibc keeps in its arenas (one per training thread); without
        // this the process stays 13 MB larger for its whole life (entraide chat: 48.6 against 35.4 MB of heap).
        malloc_trim(0)
        return (snapshot, built.outcome)
    }

    private let current: Mutex<Snapshot>
    private let refusal = Mutex<ReloadRefusal?>(nil)

    /// The last reload that was refused, until one succeeds: the operator's files are broken and the
    /// set being served is older than they think.
    public struct ReloadRefusal: Sendable, Equatable {
        public var at: Date
        public var problems: Int
        public var first: String
    }

    public var lastRefusal: ReloadRefusal? { refusal.withLock { $0 } }
    public let directory: URL
    /// Where the matcher's trained model is kept between loads, if anywhere (`MatcherCache`).
    public let cache: MatcherCache?
    private let logger: Logger

    /// Loads the set at `directory`; fails (with every problem) when there is no good set to serve.
    public init(directory: URL, logger: Logger, cache: MatcherCache? = nil) throws(AnswerSetError) {
        let loaded = try Self.loadReporting(directory: directory, cache: cache)
        current = Mutex(loaded.snapshot)
        self.directory = directory
        self.cache = cache
        self.logger = logger
        log(loaded.cache)
        logWarnings(snapshot.safety)
        logWarnings(snapshot.referrals)
    }

    /// Whether the matcher's model was read back or trained: a problem (a damaged file, a directory that cannot
    /// be written) is a warning, since every load then trains again.
    private func log(_ outcome: MatcherCache.Outcome?) {
        switch outcome {
        case .reused?: logger.info("matcher.cache", metadata: ["matcher.model": "read back, not trained"])
        case .trained?: logger.info("matcher.cache", metadata: ["matcher.model": "trained and kept"])
        case .problem(let problem)?:
            logger.warning("matcher.cache", metadata: ["matcher.model": "trained", "matcher.cache_problem": "\(problem)"])
        case nil: break
        }
    }

    /// The safety net's warnings, at start and on every reload: the built-in cues and lines serving (the
    /// operator may believe their own are), and crisis lines not checked for six months.
    private func logWarnings(_ safety: SafetyNet) {
        if safety.isBuiltIn {
            logger.warning("crisis.built_in", metadata: ["crisis.warning": "\(SafetyNet.builtInWarning)"])
        }
        for warning in safety.staleLines(at: Date()) {
            logger.warning("crisis.lines_stale", metadata: ["crisis.warning": "\(warning)"])
        }
    }

    /// Groups a worker is pointed to whose contact was not checked for six months.
    private func logWarnings(_ referrals: ReferralDirectory) {
        for warning in referrals.staleWarnings(at: Date()) {
            logger.warning("referrals.stale", metadata: ["referrals.warning": "\(warning)"])
        }
    }

    public var snapshot: Snapshot { current.withLock { $0 } }

    /// Loads the files again. Returns the problems when the new set was refused.
    @discardableResult
    public func reload() -> [AnswerFileProblem] {
        do {
            let (loaded, outcome) = try Self.loadReporting(directory: directory, cache: cache)
            log(outcome)
            let answers = loaded.answers
            let old = snapshot.answers
            current.withLock { $0 = loaded }
            refusal.withLock { $0 = nil }
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
                    "crisis.cues": "\(loaded.safety.detector.cues.count)",
                    "crisis.countries": "\(loaded.safety.directory.countries.count)",
                ])
            logWarnings(loaded.safety)
            logWarnings(loaded.referrals)
            return []
        } catch {
            for problem in error.problems {
                logger.error("answers.refused", metadata: ["answers.problem": "\(problem)"])
            }
            logger.error("answers.kept_last_good_set", metadata: ["answers.problems": "\(error.problems.count)"])
            refusal.withLock {
                $0 = ReloadRefusal(at: Date(), problems: error.problems.count, first: error.problems.first.map { "\($0)" } ?? "")
            }
            return error.problems
        }
    }
}
