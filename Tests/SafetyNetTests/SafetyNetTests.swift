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
        // A preposition glued to the article (`CueWord.dialectReadings`); not the dialects' verb prefixes.
        ("الكراج ... المحرك", "قاعد بالكراج والمحرك شغال", true),  // ب glued to the article, و to the next word
        ("الموت", "طريقه للموت", true),  // لل is ل + ال
        ("الفايده من العيشه", "شو الفايدة من هالعيشة", true),  // the dialects' demonstrative ه before ال
        ("انتحر*", "بنتحرك بكره", false),  // "we move tomorrow": not the suicide cue's prefix
        ("اروح ... بكره", "هروح الدكتور بكره", false),  // "I'll go to the doctor": not the cue's first person
        ("jump off|from", "jumping off", false),  // no prefix star, no six letters: exact
    ])
    func patternsMatchAsDocumented(cue: String, text: String, expected: Bool) throws {
        let pattern = try CuePattern(cue)
        #expect((pattern.firstMatch(in: words(text)) != nil) == expected, "\(cue) on \(text)")
    }

    /// Each apostrophe workers type is found (scalar by scalar) and gives both readings; a text without one has a
    /// single reading, the normalised text.
    @Test func everyApostropheGivesBothReadings() throws {
        let dropped = try CuePattern("dont want to live"), spaced = try CuePattern("j en peux plus")
        for apostrophe in ["'", "\u{2019}", "\u{2018}", "\u{02BC}", "\u{00B4}", "`", "\u{02B9}"] {
            #expect(CueText("i don\(apostrophe)t want to live").readings.count == 2, "\(apostrophe)")
            #expect(dropped.firstMatch(in: words("i don\(apostrophe)t want to live")) != nil, "\(apostrophe)")
            // The second reading, apostrophes as spaces (the first, `jen`, is the joined one).
            #expect(CueText("j\(apostrophe)en peux plus").readings.dropFirst().contains { spaced.firstMatch(in: $0) != nil },
                    "\(apostrophe)")
        }
        let plain = CueText("I Dont Want To LIVE")
        #expect(plain.readings.map { $0.map(\.text) } == [["i", "dont", "want", "to", "live"]])
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

    /// Two- and three-letter names are everyday words too: "help us" is not the United States, "eg" not Egypt.
    /// They count alone, after a place word, or opening a short reply in capitals.
    @Test func aShortNameCountsWhereItReadsAsAPlace() throws {
        let directory = try SafetyNet.load(intents: Self.intents).directory
        for text in ["help us", "please help us", "HELP US", "HELP US please", "Please HELP US", "save us now",
                     "they don't pay US", "eg I'm fine", "usa whatsapp"] {
            #expect(directory.country(namedIn: text) == nil, "\(text)")
        }
        for (text, code) in [("us", "US"), ("US", "US"), ("I'm in the US", "US"), ("im in usa", "US"),
                             ("from uk", "GB"), ("from the UK, please help", "GB"), ("UK here", "GB"),
                             ("estou nos eua", "US"), ("je vis aux usa", "US"), ("ana fi usa", "US"),
                             ("انا في USA", "US"), ("انا من UK", "GB"), ("Ph", "PH"), ("eg", "EG"),
                             ("eg kenya", "KE"), ("أنا في مصر", "EG")] {
            #expect(directory.country(namedIn: text)?.code == code, "\(text)")
        }
    }

    /// Dialects glue "in" (ب) or "to" (ل) to the country's name: "انا بسوريا", "ساكن بلبنان", "انا بالمغرب".
    @Test func anArabicCountryAfterAGluedPrepositionIsFound() throws {
        let directory = try SafetyNet.load(intents: Self.intents).directory
        #expect(directory.country(namedIn: "انا بسوريا")?.code == "SY")
        #expect(directory.country(namedIn: "أنا بمصر")?.code == "EG")
        #expect(directory.country(namedIn: "ساكن بلبنان")?.code == "LB")
        #expect(directory.country(namedIn: "انا بالمغرب")?.code == "MA")
        #expect(directory.country(namedIn: "للمغرب")?.code == "MA")
        #expect(directory.country(namedIn: "وبمصر")?.code == "EG")
        // Names that themselves start with ل or ب are still read as written.
        #expect(directory.country(namedIn: "لبنان")?.code == "LB")
        #expect(directory.country(namedIn: "باكستان")?.code == "PK")
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

/// The crisis cues and lines built into the binary: the same files as `intents/safety/`, served through the same
/// checks when an answers' folder has no `safety/` folder, and never in place of a `safety/` folder left half done.
@Suite struct BuiltInSafetyTests {
    static let repository = SafetyNetTests.intents.deletingLastPathComponent()

    /// A fresh folder with the shipped answer files and nothing else, as a generated answer set comes.
    func answersOnly() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-builtin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let shipped = SafetyNetTests.intents
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path) where name.hasSuffix(".yaml") {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        return folder
    }

    @Test func theEmbeddedCopyIsTheFilesInIntentsSafety() throws {
        // The cues and lines, and the corpora the learned net learns from (not heldout/, which only measures).
        let expected = Set(Language.allCases.map { "cues/\($0.rawValue).yaml" } + [SafetyNet.directoryFile]
            + ["tests", SafetyNet.learnFolder].flatMap { folder in Language.allCases.map { "\(folder)/\($0.rawValue).yaml" } })
        #expect(Set(BuiltInSafety.files.keys) == expected, "run scripts/embed-safety: the embedded files are not the loader's")
        for name in expected.sorted() {
            let url = SafetyNetTests.intents.appendingPathComponent(SafetyNet.folder).appendingPathComponent(name)
            let file = try String(contentsOf: url, encoding: .utf8)
            // A Bool, so that a failure prints the instruction and not two copies of a 50 KB file.
            let same = BuiltInSafety.files[name] == file
            #expect(same, "run scripts/embed-safety: intents/safety/\(name) changed since it was embedded")
        }
        let versionFile = Self.repository.appendingPathComponent("Sources/entraide/Version.swift")
        let version = try String(contentsOf: versionFile, encoding: .utf8)
        #expect(version.contains("static let release = \"\(BuiltInSafety.release)\""),
            "run scripts/embed-safety: the release in Sources/entraide/Version.swift changed since the cues were embedded")
    }

    @Test func aFolderWithoutSafetyIsServedTheBuiltInSetWithAWarning() throws {
        let folder = try answersOnly()
        defer { try? FileManager.default.removeItem(at: folder) }
        let net = try SafetyNet.load(intents: folder)
        #expect(net.isBuiltIn)
        #expect(net.warnings(at: Date()).first == SafetyNet.builtInWarning)
        #expect(SafetyNet.builtInWarning.contains("safety/: no folder here"))
        #expect(net.detector.assess("I want to kill myself") != nil)
        #expect(net.detector.assess("how do I kill the script") == nil)
        #expect(net.directory.country(namedIn: "kenya")?.code == "KE")
        let shipped = try SafetyNet.load(intents: SafetyNetTests.intents)
        #expect(!shipped.isBuiltIn)
        #expect(net.detector.cues.count == shipped.detector.cues.count)
        #expect(net.directory.countries == shipped.directory.countries)
    }

    @Test func aSafetyFolderMissingACueFileIsStillRefused() throws {
        let folder = try answersOnly()
        defer { try? FileManager.default.removeItem(at: folder) }
        let safety = folder.appendingPathComponent(SafetyNet.folder)
        try FileManager.default.copyItem(at: SafetyNetTests.intents.appendingPathComponent(SafetyNet.folder), to: safety)
        try FileManager.default.removeItem(at: safety.appendingPathComponent("cues/pt.yaml"))
        do {
            _ = try SafetyNet.load(intents: folder)
            Issue.record("a safety folder without cues/pt.yaml was served")
        } catch {
            #expect(error.problems.map(\.description) == [
                "safety/cues/pt.yaml:0: missing: every language needs its crisis cues (docs/operators.md, 'Crisis cues')",
            ])
        }
        // An empty safety folder is an edit begun, not "no folder": every file is asked for.
        try FileManager.default.removeItem(at: safety)
        try FileManager.default.createDirectory(at: safety, withIntermediateDirectories: true)
        do {
            _ = try SafetyNet.load(intents: folder)
            Issue.record("an empty safety folder was served")
        } catch {
            #expect(error.problems.count == Language.allCases.count + 1)
            #expect(error.problems.contains { $0.file == "safety/crisis-lines.yaml" })
        }
    }
}

/// The learned second net (`LearnedRisk`): it adds alarms where no cue fires, says which language, and stays
/// quiet on what it learned is not a crisis.
@Suite struct LearnedRiskTests {
    /// A small corpus of its own, so that the test says what the net does, not what the shipped files hold.
    static let crisis: [(text: String, language: Language)] = [
        ("i want to die tonight", .en), ("i cant go on anymore, goodbye everyone", .en),
        ("nobody would miss me if i was gone", .en), ("i took all the pills in the box", .en),
        ("je veux mourir ce soir", .fr), ("adieu tout le monde, je ne peux plus", .fr),
        ("personne ne me regretterait si je partais", .fr), ("jai pris toutes les pilules de la boite", .fr),
    ]
    static let other = [
        "my payment is late again", "how do i appeal a rejection", "the requester never paid my bonus",
        "can i join a union as a click worker", "my account is under review", "where is my withdrawal",
        "mon paiement est en retard", "comment contester un rejet", "le bonus na jamais ete paye",
        "mon compte est en cours de verification", "thanks for the help", "bonjour, merci beaucoup",
    ]

    @Test func itLearnsCrisesApartFromEverydayQuestionsAndSaysTheLanguage() throws {
        let net = try #require(LearnedRisk(crisis: Self.crisis, other: Self.other))
        let english = try #require(net.assess("goodbye everyone, nobody would miss me"))
        let french = try #require(net.assess("adieu, personne ne me regretterait"))
        let pay = try #require(net.assess("my bonus payment is late"))
        #expect(net.assess("no") == nil && net.assess("goodbye everyone") == nil, "under three words: not read")
        #expect(english.probability > 0.5 && english.language == .en, "\(english)")
        #expect(french.probability > 0.5 && french.language == .fr, "\(french)")
        #expect(pay.probability < 0.5, "\(pay)")
        #expect(LearnedRisk(crisis: [], other: Self.other) == nil)
        #expect(LearnedRisk(crisis: Self.crisis, other: []) == nil)
    }

    /// The cues first, with their reasons; the learned net only where no cue fires; none without one.
    @Test func theNetAsksTheCuesThenTheLearnedNet() throws {
        var cues = CrisisCues()
        cues.alone = [Cue(pattern: try CuePattern("kill* myself"), language: .en, file: "t", line: 1)]
        let learned = try #require(LearnedRisk(crisis: Self.crisis, other: Self.other, threshold: 0.5))
        let net = SafetyNet(detector: RiskDetector(cues: cues), directory: CrisisDirectory(), learned: learned)
        #expect(net.assess("i want to kill myself")?.cues == ["kill* myself"])
        let alarm = try #require(net.assess("goodbye everyone, nobody would miss me"))
        #expect(alarm.cues.count == 1 && alarm.cues[0].hasPrefix("learned: "))
        #expect(net.assess("my bonus payment is late") == nil)
        let cuesOnly = SafetyNet(detector: RiskDetector(cues: cues), directory: CrisisDirectory())
        #expect(cuesOnly.assess("goodbye everyone, nobody would miss me") == nil)
    }

    /// The short replies a conversation is full of raise no alarm with the shipped net (before the word minimum and
    /// the short controls in `safety/learn/`, "no", "sí", "ya" scored 0.88 to 0.99 and "i dont know" 0.98). None
    /// of these is among the texts it learns from.
    @Test(arguments: ["no", "sí", "2", "ok", "i really dont know", "not sure about that", "je ne sais pas trop",
                      "pas pour le moment", "todavía no lo sé", "ainda não sei bem", "مش فاهم عليك", "yes that one"])
    func shortRepliesRaiseNoAlarm(_ reply: String) throws {
        let shipped = try SafetyNet.load(intents: SafetyNetTests.intents)
        #expect(shipped.assess(reply) == nil, "\(reply): \(shipped.learned?.assess(reply)?.probability ?? 0)")
    }

    /// The shipped folder has a corpus and answer files: its net learns; so does the built-in copy.
    @Test func theShippedSafetyFolderHasALearnedNet() throws {
        let shipped = try SafetyNet.load(intents: SafetyNetTests.intents)
        let learned = try #require(shipped.learned)
        #expect(learned.threshold == LearnedRisk.defaultThreshold)
        // An answers' folder without `safety/`: the built-in copy, corpora included, so the net learns there too.
        let answersOnly = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-no-safety-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: answersOnly, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: answersOnly) }
        for name in try FileManager.default.contentsOfDirectory(atPath: SafetyNetTests.intents.path) where name.hasSuffix(".yaml") {
            try FileManager.default.copyItem(at: SafetyNetTests.intents.appendingPathComponent(name),
                                             to: answersOnly.appendingPathComponent(name))
        }
        let builtIn = try SafetyNet.load(intents: answersOnly)
        #expect(builtIn.isBuiltIn && builtIn.learned != nil && builtIn.learnedProblem == nil)
        // Without answer files to learn what is not a crisis from, no net (the cues serve alone).
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(try SafetyNet.load(intents: empty).learned == nil)
    }
}
