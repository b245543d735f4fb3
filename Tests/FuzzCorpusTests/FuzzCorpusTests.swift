import Foundation
import FuzzChecks
import Testing

/// The committed fuzz corpora (`FuzzTesting/Corpus/<target>/`) and the inputs that once broke a target
/// (`FuzzTesting/FailCases/<target>/`), replayed through the same checks as the libFuzzer executables, so that
/// every CI run exercises them without libFuzzer. See docs/fuzzing.md.
@Suite("Fuzz corpora replayed")
struct FuzzCorpusTests {
    static let fuzzTesting = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzTesting")

    /// The regular files in `directory`, sorted by name; nil when the directory does not exist.
    static func inputs(in directory: URL) -> [URL]? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return nil }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// Runs every input through the target's check; returns how many were replayed.
    static func replay(_ files: [URL], through target: FuzzTarget) throws -> Int {
        for file in files {
            let data = try Data(contentsOf: file)
            let violation = data.withUnsafeBytes { bytes -> InvariantViolation? in
                do throws(InvariantViolation) {
                    try target.check(bytes)
                    return nil
                } catch {
                    return error
                }
            }
            if let violation {
                Issue.record("\(target.name)/\(file.lastPathComponent): \(violation)")
            }
        }
        return files.count
    }

    @Test("every corpus input keeps the target's invariants", arguments: FuzzTarget.allCases)
    func corpus(_ target: FuzzTarget) throws {
        let directory = Self.fuzzTesting.appendingPathComponent("Corpus").appendingPathComponent(target.name)
        // A missing or empty corpus would make this test pass without checking anything.
        let files = try #require(Self.inputs(in: directory), "no corpus at \(directory.path)")
        try #require(!files.isEmpty, "the corpus at \(directory.path) is empty")
        let count = try Self.replay(files, through: target)
        print("FuzzCorpus: \(target.name): replayed \(count) corpus inputs")
    }

    @Test("every input that once broke a target is fixed", arguments: FuzzTarget.allCases)
    func failCases(_ target: FuzzTarget) throws {
        let directory = Self.fuzzTesting.appendingPathComponent("FailCases").appendingPathComponent(target.name)
        // Only targets that found something have fail cases.
        let files = Self.inputs(in: directory) ?? []
        let count = try Self.replay(files, through: target)
        print("FuzzCorpus: \(target.name): replayed \(count) fail cases")
    }
}
