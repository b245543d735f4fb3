import Foundation
import TestSupport
import Testing

/// `entraide intents learn` as an operator runs it: questions the helpline could not answer, filed from the
/// keyboard (piped here) into a copy of the shipped answer files.
@Suite struct LearnCommandLineTests {
    /// A fresh folder holding a copy of `intents/` and an empty data directory (the caller removes `root`).
    static func copyOfTheShippedAnswers() throws -> (root: URL, intents: URL, data: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-learn-\(UUID().uuidString)")
        let intents = root.appendingPathComponent("intents")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("intents"), to: intents)
        return (root, intents, root.appendingPathComponent("data"))
    }

    @Test func outOfScopeQuestionsAreFiledAndLeaveTheGapReport() throws {
        let (root, intents, data) = try Self.copyOfTheShippedAnswers()
        defer { try? FileManager.default.removeItem(at: root) }
        let common = ["--data", data.path, "--intents", intents.path]

        let questions = ["how do I get rid of ants in my kitchen", "give me a recipe for chicken curry"]
        let chat = try CommandLineTests.run(["chat"] + common, input: questions.joined(separator: "\n") + "\n")
        #expect(chat.status == 0, "\(chat.errors)")
        let gaps = try CommandLineTests.run(["intents", "gaps"] + common)
        for question in questions { #expect(gaps.output.contains(question), "gaps: \(gaps.output)") }

        // A wrong intent is refused with a hint; then the first question shown goes to the out-of-scope
        // regression phrases (they measure), the second to the out-of-scope examples (they set the threshold).
        let learn = try CommandLineTests.run(["intents", "learn", "--bar", "0"] + common, input: "e no-such-intent\no\nn\n")
        #expect(learn.status == 0, "\(learn.output)\(learn.errors)")
        #expect(learn.output.contains("which intent?"), "\(learn.output)")
        #expect(learn.output.contains("added to tests/out-of-scope.yaml (en)"), "\(learn.output)")
        #expect(learn.output.contains("added to intents/out-of-scope.yaml (en)"), "\(learn.output)")
        #expect(learn.output.contains("2 edit(s)"), "\(learn.output)")
        let file = try String(contentsOf: intents.appendingPathComponent("tests/out-of-scope.yaml"), encoding: .utf8)
        let shipped = try String(contentsOf: repositoryRoot.appendingPathComponent("intents/tests/out-of-scope.yaml"), encoding: .utf8)
        #expect(file.count > shipped.count)
        let negatives = try String(contentsOf: intents.appendingPathComponent("out-of-scope.yaml"), encoding: .utf8)
        let phrased = questions.filter { file.contains("  - \($0)\n") }
        let taught = questions.filter { negatives.contains("    - \($0)\n") }
        #expect(phrased.count == 1 && taught.count == 1 && phrased != taught, "phrases: \(phrased), examples: \(taught)")

        let after = try CommandLineTests.run(["intents", "gaps"] + common)
        #expect(after.output.contains("no unanswered questions"), "gaps: \(after.output)")
        let check = try CommandLineTests.run(["intents", "check", intents.path])
        #expect(check.status == 0, "\(check.output)")
        let shippedNegatives = try CommandLineTests.run(["intents", "check", repositoryRoot.appendingPathComponent("intents").path])
        let count = { (output: String) in
            output.split(separator: "\n").first { $0.hasSuffix("out-of-scope examples (they set the answer threshold)") }
                .flatMap { Int($0.split(separator: " ")[1]) }
        }
        let before = try #require(count(shippedNegatives.output), "\(shippedNegatives.output)")
        #expect(try #require(count(check.output), "\(check.output)") == before + 1)
    }

    /// Without `intents/out-of-scope.yaml`, `n` starts it (dated today) with one example, which loads; `check` says
    /// one is too few to be used, and that this one is also a test phrase.
    @Test func aFirstOutOfScopeExampleStartsTheFile() throws {
        let (root, intents, data) = try Self.copyOfTheShippedAnswers()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.removeItem(at: intents.appendingPathComponent("out-of-scope.yaml"))
        let common = ["--data", data.path, "--intents", intents.path]
        let question = "how do i make arepas"  // also a phrase of intents/tests/out-of-scope.yaml
        let chat = try CommandLineTests.run(["chat"] + common, input: question + "\n")
        #expect(chat.status == 0, "\(chat.errors)")
        let learn = try CommandLineTests.run(["intents", "learn", "--bar", "0"] + common, input: "n\n")
        #expect(learn.output.contains("added to intents/out-of-scope.yaml (en)"), "\(learn.output)\(learn.errors)")
        let file = try String(contentsOf: intents.appendingPathComponent("out-of-scope.yaml"), encoding: .utf8)
        #expect(file.hasPrefix("reviewed: 20") && file.contains("examples:\n  en:\n    - \(question)\n"), "\(file)")
        let check = try CommandLineTests.run(["intents", "check", intents.path])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("ok: 1 out-of-scope examples (fewer than 20: not used yet)"), "\(check.output)")
        #expect(check.output.contains("'\(question)' (en) is also the test phrase at tests/out-of-scope.yaml:"),
                "\(check.output)")
    }
}
