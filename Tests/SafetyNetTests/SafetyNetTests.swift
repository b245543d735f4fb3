import Foundation
import IntentMatcher
import SafetyNet
import Testing

/// The pure parts of the safety net: cue patterns, the detector's rules, the directory's checks, and the
/// shipped corpus (recall 100%, false alarms at most 10%, per language).
@Suite struct SafetyNetTests {
    static let intents = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("intents")

    func words(_ text: String) -> [CueWord] { CueText(text).readings[0] }

    @Test(arguments: [
        ("kill* myself", "i want to kill myself", true),
        ("kill* myself", "been killing myself slowly", true),
        ("kill* myself", "kill the script myself", false),  // two words between: not the cue
        ("want ... die", "i want to lie down and die", true),
        ("suicide", "thinking about suicde", true),  // one typo, 7 letters
        ("dont want to live", "i don't want to live", true),  // apostrophes dropped on both sides
        ("en finir", "j'veux en finir", true),
        ("bdi mout|mot", "ana bdi mot", true),
        ("ma3ad fini", "ma 3ad fini kamel", true),  // letters and digits apart on both sides
        ("انتحر", "وانتحر", true),  // a leading و is not part of the word
        ("jump off|from", "jumping off", false),  // no prefix star, no six letters: exact
    ])
    func patternsMatchAsDocumented(cue: String, text: String, expected: Bool) throws {
        let pattern = try CuePattern(cue)
        #expect((pattern.firstMatch(in: words(text)) != nil) == expected, "\(cue) on \(text)")
    }

    @Test func badCuesAreRefusedWithAReason() {
        #expect(throws: CuePattern.CompileError.shortPrefix("ki")) { try CuePattern("ki*") }
        #expect(throws: CuePattern.CompileError.dangling) { try CuePattern("... die") }
        #expect(throws: CuePattern.CompileError.empty) { try CuePattern("!!!") }
    }

    func detector(alone: [String] = [], together: [CueKind: [String]] = [:], idioms: [String] = []) throws -> RiskDetector {
        var cues = CrisisCues()
        cues.alone = try alone.map { Cue(pattern: try CuePattern($0), language: .en, file: "t", line: 1) }
        cues.idioms = try idioms.map { Cue(pattern: try CuePattern($0), language: .en, file: "t", line: 1) }
        for (kind, list) in together {
            cues.together[kind] = try list.map { Cue(pattern: try CuePattern($0), language: .en, file: "t", line: 1) }
        }
        return RiskDetector(cues: cues)
    }

    @Test func twoWarningSignsTogetherRaiseTheAlarmOneDoesNot() throws {
        let detector = try detector(together: [.means: ["bridge"], .time: ["tonight"], .threat: ["threat*"], .person: ["landlord"]])
        #expect(detector.assess("the bridge is closed") == nil)
        #expect(detector.assess("working tonight") == nil)
        #expect(detector.assess("going to the bridge tonight") != nil)
        #expect(detector.assess("he threatened me") == nil)
        #expect(detector.assess("my landlord threatened me") != nil)
        // A threat and a time are not two warning signs of self-harm.
        #expect(detector.assess("they threatened to close it tonight") == nil)
    }

    @Test func idiomsAreMaskedButOnlyWhereTheyStand() throws {
        let detector = try detector(alone: ["dead"], idioms: ["dead tired"])
        #expect(detector.assess("im dead tired") == nil)
        #expect(detector.assess("im dead tired and i want to be dead") != nil)
    }

    @Test func longMessagesAreReadAtBothEnds() throws {
        let detector = try detector(alone: ["goodbye forever"])
        let filler = String(repeating: "the batch paid nothing again today. ", count: 500)
        #expect(detector.assess(filler + "goodbye forever") != nil)
        #expect(detector.assess("goodbye forever " + filler) != nil)
    }

    @Test func theShippedSafetyNetLoads() throws {
        let net = try SafetyNet.load(intents: Self.intents)
        for language in Language.allCases { #expect(net.detector.cues.count(in: language) > 50, "\(language)") }
        let codes = Set(net.directory.countries.map(\.code))
        let required: Set = ["US", "GB", "KE", "IN", "PH", "VE", "CO", "BR", "MX", "ES", "FR", "SY", "LB", "EG", "MA", "NG", "PK", "BD"]
        #expect(required.isSubset(of: codes), "missing: \(required.subtracting(codes).sorted())")
        #expect(net.directory.countries.allSatisfy { !$0.lines.isEmpty || $0.emergency != nil })
    }

    @Test(arguments: ["kenya", "je suis au Kenya", "estoy en colombia", "moro no brasil", "أنا في مصر", "usa"])
    func workersNameTheirCountryTheirWay(_ text: String) throws {
        let net = try SafetyNet.load(intents: Self.intents)
        #expect(net.directory.country(namedIn: text) != nil, "\(text)")
    }

    @Test func theCorpusIsCaughtWholeWithFewFalseAlarms() throws {
        let net = try SafetyNet.load(intents: Self.intents)
        let corpus = try CrisisCorpus.load(directory: Self.intents.appendingPathComponent("safety/tests"))
        let report = CrisisReport(detector: net.detector, corpus: corpus)
        for row in report.rows {
            #expect(row.crisis >= 60, "\(row.language): at least 60 crisis phrasings")
        }
        #expect(report.total.controls >= 150)
        #expect(report.missed.isEmpty, "\(report.missed.map(\.text))")
        #expect(report.total.falseAlarmRate <= 0.10, "\(report.falseAlarms.map(\.0.text))")
    }

    /// A directory whose line lacks its source or verified date is refused; an old date is a warning.
    @Test func theDirectoryRefusesUnsourcedLinesAndWarnsOfOldOnes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-safety-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.intents, to: folder)
        let file = folder.appendingPathComponent("safety/crisis-lines.yaml")
        func write(_ line: String) throws {
            try """
                countries:
                  - code: KE
                    names: [kenya]
                    lines:
                      - service: Test line
                        phone: "1199"
                \(line)
                """.write(to: file, atomically: true, encoding: .utf8)
        }
        try write("        verified: 2026-01-01")
        #expect(throws: AnswerSetError.self) { try SafetyNet.load(intents: folder) }
        do { _ = try SafetyNet.load(intents: folder) } catch {
            #expect(error.problems.contains { $0.message.contains("'source'") && $0.line == 5 })
        }
        try write("        source: https://example.org/lines")
        do { _ = try SafetyNet.load(intents: folder) } catch {
            #expect(error.problems.contains { $0.message.contains("verified: YYYY-MM-DD") })
        }
        try write("        source: https://example.org/lines\n        verified: 2025-01-01")
        let net = try SafetyNet.load(intents: folder)
        let warnings = net.warnings(at: Date(timeIntervalSince1970: 1_780_000_000))
        #expect(warnings.count == 1 && warnings[0].contains("KE Test line"))
        try write("        source: https://example.org/lines\n        verified: 2026-05-01")
        #expect(try SafetyNet.load(intents: folder).warnings(at: Date(timeIntervalSince1970: 1_780_000_000)).isEmpty)
    }
}
