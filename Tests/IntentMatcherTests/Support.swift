import Foundation
@testable import IntentMatcher

/// The repository the tests run in, found from this file's path (`Tests/IntentMatcherTests/Support.swift`).
enum Repository {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("intents").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }()

    static var intents: URL { root.appendingPathComponent("intents") }
}

/// The answer set shipped in `intents/`, loaded once. Its validity is checked by one test
/// (`shippedAnswerSetIsValid`); the tests that need it are skipped, not failed, while it does not load (someone
/// may be in the middle of adding files).
enum Shipped {
    static let result: Result<AnswerSet, AnswerSetError> = {
        do throws(AnswerSetError) {
            return .success(try AnswerSetLoader.load(directory: Repository.intents))
        } catch {
            return .failure(error)
        }
    }()

    static var answers: AnswerSet? { try? result.get() }
    static var loads: Bool { answers != nil }
    static let matcher: Matcher? = answers.map { Matcher(answers: $0) }

    /// A matcher of the shipped answers with one setting changed from the default, to compare with `matcher`.
    static func matcher(changing change: (inout MatcherConfiguration) -> Void) -> Matcher? {
        var configuration = MatcherConfiguration.default
        change(&configuration)
        return answers.map { Matcher(answers: $0, configuration: configuration) }
    }
}

/// A folder `intents/` in a fresh temporary directory holding the given files (name → content).
func fixtureFolder(_ files: [String: String]) throws -> URL {
    let base = FileManager.default.temporaryDirectory
        .appendingPathComponent("intentmatcher-\(UUID().uuidString)")
    let folder = base.appendingPathComponent("intents")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, content) in files {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }
    return folder
}

/// The problems loading `folder` gives (empty when it loads).
func problems(loading folder: URL) -> [AnswerFileProblem] {
    do throws(AnswerSetError) {
        _ = try AnswerSetLoader.load(directory: folder)
        return []
    } catch {
        return error.problems
    }
}

/// A valid intent file; `lines` replace or add lines (1-based line number → text, nil removes the line) so that
/// each test knows on which line it put its mistake.
func intentFile(id: String, replacing lines: [Int: String?] = [:], appending extra: [String] = []) -> String {
    var text = [
        "id: \(id)",  // 1
        "escalate: never",  // 2
        "reviewed: 2026-11-29",  // 3
        "examples:",  // 4
        "  en:",  // 5
        "    - \(id) hello there",  // 6
        "    - \(id) good morning",  // 7
        "    - \(id) how are you",  // 8
        "  fr:",  // 9
        "    - \(id) bonjour",  // 10
        "    - \(id) salut",  // 11
        "    - \(id) bonsoir",  // 12
        "  es:",  // 13
        "    - \(id) hola",  // 14
        "    - \(id) buenas",  // 15
        "    - \(id) buenos dias",  // 16
        "answers:",  // 17
        "  en:",  // 18
        "    short: Hello!",  // 19
        "  fr:",  // 20
        "    short: Bonjour !",  // 21
        "  es:",  // 22
        "    short: ¡Hola!",  // 23
    ].map(Optional.some)
    for (line, replacement) in lines { text[line - 1] = replacement }
    return (text.compactMap { $0 } + extra).joined(separator: "\n") + "\n"
}
