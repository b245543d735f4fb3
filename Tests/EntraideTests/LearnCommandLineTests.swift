import Foundation
import TestSupport
import Testing

/// `entraide intents learn` as an operator runs it: questions the helpline could not answer, filed from the
/// keyboard (piped here) into a copy of the shipped answer files.
@Suite struct LearnCommandLineTests {
    @Test func outOfScopeQuestionsAreFiledAndLeaveTheGapReport() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-learn-\(UUID().uuidString)")
        let intents = root.appendingPathComponent("intents")
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("intents"), to: intents)
        let common = ["--data", data.path, "--intents", intents.path]

        let questions = ["how do I get rid of ants in my kitchen", "give me a recipe for chicken curry"]
        let chat = try CommandLineTests.run(["chat"] + common, input: questions.joined(separator: "\n") + "\n")
        #expect(chat.status == 0, "\(chat.errors)")
        let gaps = try CommandLineTests.run(["intents", "gaps"] + common)
        for question in questions { #expect(gaps.output.contains(question), "gaps: \(gaps.output)") }

        // A wrong intent is refused with a hint, then both questions go to the out-of-scope phrases.
        let learn = try CommandLineTests.run(["intents", "learn", "--bar", "0"] + common, input: "e no-such-intent\no\no\n")
        #expect(learn.status == 0, "\(learn.output)\(learn.errors)")
        #expect(learn.output.contains("which intent?"), "\(learn.output)")
        #expect(learn.output.contains("added to tests/out-of-scope.yaml (en)"), "\(learn.output)")
        #expect(learn.output.contains("2 edit(s)"), "\(learn.output)")
        let file = try String(contentsOf: intents.appendingPathComponent("tests/out-of-scope.yaml"), encoding: .utf8)
        for question in questions { #expect(file.contains("  - \(question)\n"), "file: \(file)") }
        let shipped = try String(contentsOf: repositoryRoot.appendingPathComponent("intents/tests/out-of-scope.yaml"), encoding: .utf8)
        #expect(file.count > shipped.count)

        let after = try CommandLineTests.run(["intents", "gaps"] + common)
        #expect(after.output.contains("no unanswered questions"), "gaps: \(after.output)")
        let check = try CommandLineTests.run(["intents", "check", intents.path])
        #expect(check.status == 0, "\(check.output)")
    }
}
