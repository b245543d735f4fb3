import Foundation
import SafetyNet
import TestSupport
import Testing

/// The safety net as a newcomer meets it: `entraide chat` in every state a conversation can be in, then
/// `entraide cases list`, real processes on a real SQLite file. A sample of the corpus (one phrasing per
/// language and state, spread over the file) keeps this under a minute; every phrasing of the corpus goes
/// through the same engine and store in HelplineTests' CrisisSafetyTests.
@Suite struct CrisisCommandLineTests {
    enum State: String, CaseIterable, Sendable {
        case new, clarifyMenu, caseWaiting, caseClaimed, blocked, afterForgetMe
    }

    static let sample: [CrisisCorpus.Phrase] = {
        let folder = repositoryRoot.appendingPathComponent("intents/safety/tests")
        let phrases = ((try? CrisisCorpus.load(directory: folder))?.phrases ?? []).filter(\.crisis)
        return Dictionary(grouping: phrases, by: \.language).values.flatMap { list in
            [list[list.count / 2]]
        }
    }()

    func entraide(_ data: URL, _ arguments: [String], input: String = "") throws -> CommandLineTests.Run {
        try CommandLineTests.run(arguments + ["--data", data.path], input: input)
    }

    @Test(arguments: State.allCases)
    func crisisPhrasingsOpenUrgentCasesThroughTheTerminal(in state: State) throws {
        try #require(Self.sample.count == 5)
        var failures: [String] = []
        for (number, phrase) in Self.sample.enumerated() {
            // A data folder per phrasing: `cases list` shows 15 cases, and each phrasing is a worker of its own.
            let data = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-crisis-cli-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: data) }
            let worker = "w\(number)"
            var caseNumber: String?
            switch state {
            case .new:
                break
            case .clarifyMenu:
                let unsure = try #require(try HesitantPhrases.english.first {
                    try entraide(data, ["intents", "match", "--json", $0]).output.contains(#""decision":"clarify""#)
                }, "add a phrase the matcher hesitates on to HesitantPhrases")
                let run = try entraide(data, ["chat", "--worker", worker], input: "\(unsure)\n")
                try #require(run.output.contains("Reply with the number"), "no longer a menu: \(run.output)")
            case .caseWaiting:
                _ = try entraide(data, ["chat", "--worker", worker], input: "human\n")
            case .caseClaimed, .blocked:
                _ = try entraide(data, ["volunteers", "add", "amina"])
                _ = try entraide(data, ["chat", "--worker", worker], input: "human\n")
                let listed = try entraide(data, ["cases", "list", "--as", "amina"]).output
                caseNumber = listed.split(separator: "\n").last { $0.contains("unclaimed") }
                    .flatMap { $0.split(separator: " ").first?.dropFirst() }.map(String.init)
                let id = try #require(caseNumber, "no case listed: \(listed)")
                _ = try entraide(data, ["cases", "claim", id, "--as", "amina"])
                if state == .blocked { _ = try entraide(data, ["cases", "block", id, "--as", "amina"]) }
            case .afterForgetMe:
                _ = try entraide(data, ["chat", "--worker", worker], input: "hello\nforget me\n")
            }
            let run = try entraide(data, ["chat", "--worker", worker], input: phrase.text + "\n")
            if state != .caseClaimed && state != .blocked { _ = try entraide(data, ["volunteers", "add", "amina"]) }
            let listed = try entraide(data, ["cases", "list", "--as", "amina"]).output.split(separator: "\n")
            if !listed.contains(where: { $0.contains("URGENT") && !$0.contains("closed") }) {
                failures.append("no URGENT case listed for: \(phrase.text) (\(listed))")
            }
            if run.output.contains("I'm not sure I understood") || run.output.contains("Reply with the number") {
                failures.append("fallback or menu for: \(phrase.text)")
            }
        }
        #expect(failures.isEmpty, "\(failures)")
    }
}
