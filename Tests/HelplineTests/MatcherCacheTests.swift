import Foundation
import Helpline
import IntentMatcher
import Testing

/// The matcher's model kept in the data directory between loads (`MatcherCache`), on real files.
@Suite("Matcher cache")
struct MatcherCacheTests {
    private static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("matcher-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A cache in a new data directory (removed after `body`), and the shipped answers.
    private static func withCache(_ body: (MatcherCache, AnswerSet) throws -> Void) throws {
        let data = try folder()
        defer { try? FileManager.default.removeItem(at: data) }
        try body(MatcherCache(directory: data.appendingPathComponent("matcher")),
                 try AnswerSetLoader.load(directory: HelplineEngineTests.intents))
    }

    private static func keptFiles(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".bin") }.sorted()
    }

    @Test func aSecondLoadReadsTheModelBackAndAnswersAlike() throws {
        try Self.withCache { cache, answers in
            let first = cache.matcher(for: answers)
            #expect(first.outcome == .trained)
            let files = try Self.keptFiles(cache.directory)
            #expect(files.count == 1)
            let kept = cache.directory.appendingPathComponent(files[0]).path
            let mode = try FileManager.default.attributesOfItem(atPath: kept)[.posixPermissions] as? Int
            #expect(mode == 0o600)

            let second = cache.matcher(for: answers)
            #expect(second.outcome == .reused)
            #expect(second.matcher.calibration == first.matcher.calibration)
            for text in ["my payment never arrived", "je veux mourir", "mi cuenta fue bloqueada", "what is the weather"] {
                #expect(second.matcher.match(text) == first.matcher.match(text), "\(text)")
            }
        }
    }

    @Test func aDamagedFileIsSetAsideAndWrittenAgain() throws {
        try Self.withCache { cache, answers in
            let trained = cache.matcher(for: answers)
            let file = cache.directory.appendingPathComponent(try Self.keptFiles(cache.directory)[0])
            let whole = try Data(contentsOf: file)
            try whole.prefix(whole.count / 2).write(to: file)

            let again = cache.matcher(for: answers)
            guard case .problem(let problem) = again.outcome else {
                Issue.record("a file cut short was read: \(again.outcome)")
                return
            }
            #expect(problem.contains("set aside"))
            #expect(again.matcher.match("my payment never arrived") == trained.matcher.match("my payment never arrived"))
            #expect(try Data(contentsOf: file) == whole)
            #expect(cache.matcher(for: answers).outcome == .reused)
        }
    }

    @Test func changedAnswersTrainAgainAndReplaceTheKeptFile() throws {
        try Self.withCache { cache, answers in
            _ = cache.matcher(for: answers)
            let before = try Self.keptFiles(cache.directory)
            // What a process killed while writing leaves behind goes with the next write.
            let leftover = cache.directory.appendingPathComponent(".matcher-0.bin.999.tmp")
            try Data("partial".utf8).write(to: leftover)
            var intents = answers.intents
            intents["pay-missing"]?.examples[.en]?.append("the money for my hits never showed up in my account")
            let edited = AnswerSet(intents: intents, synonyms: answers.synonyms, directory: answers.directory)
            let after = cache.matcher(for: edited)
            #expect(after.outcome == .trained)
            let files = try Self.keptFiles(cache.directory)
            #expect(files.count == 1 && files != before)
            #expect(!FileManager.default.fileExists(atPath: leftover.path))
        }
    }

    @Test func aDirectoryThatCannotBeWrittenOnlyCostsTheTraining() throws {
        let data = try Self.folder()
        defer { try? FileManager.default.removeItem(at: data) }
        // A file where the cache's directory should be.
        let blocked = data.appendingPathComponent("matcher")
        try Data("x".utf8).write(to: blocked)
        let answers = try AnswerSetLoader.load(directory: HelplineEngineTests.intents)
        let result = MatcherCache(directory: blocked).matcher(for: answers)
        guard case .problem = result.outcome else {
            Issue.record("expected a problem, got \(result.outcome)")
            return
        }
        #expect(result.matcher.match("my payment never arrived").intent == "pay-missing")
    }
}
