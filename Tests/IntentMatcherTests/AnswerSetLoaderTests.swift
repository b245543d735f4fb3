import Foundation
import Testing
@testable import IntentMatcher

@Suite("Loading and checking answer files")
struct AnswerSetLoaderTests {
    /// The one test about the shipped files: if someone's new file is broken, this fails and says where,
    /// and the tests that need the shipped set are skipped rather than failed.
    @Test func shippedAnswerSetIsValid() throws {
        switch Shipped.result {
        case .success(let answers):
            #expect(answers.intents.count >= 20)
            #expect(answers["crisis"]?.escalate == .urgent)
            #expect(answers["human"]?.escalate == .always)
            #expect(!answers.synonyms.isEmpty)
            // Enough out-of-scope examples in every language to set the threshold (Calibration.minimumOutOfScope).
            for language in Language.allCases { #expect((answers.outOfScope[language] ?? []).count >= 20) }
        case .failure(let error):
            Issue.record("intents/ does not load:\n\(error)")
        }
    }

    @Test func aValidFolderLoads() throws {
        let folder = try fixtureFolder([
            "greeting.yaml": intentFile(id: "greeting"),
            "thanks.yaml": intentFile(id: "thanks", replacing: [2: "escalate: offer"]),
        ])
        let answers = try AnswerSetLoader.load(directory: folder)
        #expect(answers.intents.keys.sorted() == ["greeting", "thanks"])
        let thanks = try #require(answers["thanks"])
        #expect(thanks.escalate == .offer)
        #expect(thanks.examples[.fr]?.count == 3)
        #expect(thanks.answers[.es] == Answer(short: "¡Hola!"))
        #expect(thanks.file == "intents/thanks.yaml")
    }

    /// Coverage and age are warnings, not errors: the set still serves, and `intents check` names what to fix.
    @Test func missingLanguagesAndOldReviewsAreWarned() throws {
        let folder = try fixtureFolder([
            "greeting.yaml": intentFile(id: "greeting"),
            "thanks.yaml": intentFile(id: "thanks", replacing: [3: "reviewed: 2026-01-15"]),
        ])
        let answers = try AnswerSetLoader.load(directory: folder)
        let day = try #require(CheckDate.day("2026-12-06"))
        let warnings = answers.warnings(at: day)
        #expect(warnings.filter { $0.contains("no answer in pt, ar") }.count == 2)
        #expect(warnings.filter { $0.contains("no examples in pt, ar") }.count == 2)
        #expect(warnings.filter { $0.contains("more than 6 months ago") }
            == ["intents/thanks.yaml: reviewed 2026-01-15, more than 6 months ago; check its facts against its "
                + "sources and update 'reviewed'"])
        // Five months on, nothing is old yet.
        #expect(!answers.warnings(at: try #require(CheckDate.day("2026-06-10"))).contains { $0.contains("6 months") })
    }

    /// Every shipped intent speaks the five languages, and no review is six months older than the newest one
    /// (measured from the newest, so that the test does not start failing on a calendar date).
    @Test func theShippedSetHasNoCoverageOrAgeWarning() throws {
        let answers = try #require(Shipped.answers)
        let newest = try #require(answers.intents.values.compactMap { CheckDate.day($0.reviewed) }.max())
        #expect(answers.warnings(at: newest) == [])
    }

    /// `out-of-scope.yaml` is not an intent: its examples answer nothing, and one that is also an intent's
    /// example is refused, naming both places.
    @Test func outOfScopeExamplesLoadApartFromTheIntents() throws {
        let negatives = [
            "reviewed: 2026-12-07", "examples:", "  en:", "    - what is the weather tomorrow",
            "    - my visa was rejected", "    - recommend a film", "  fr:", "    - quel temps fait-il",
            "    - une recette de crêpes", "    - qui a gagné le match",
        ]
        let folder = try fixtureFolder([
            "greeting.yaml": intentFile(id: "greeting"),
            "out-of-scope.yaml": negatives.joined(separator: "\n") + "\n",
        ])
        let answers = try AnswerSetLoader.load(directory: folder)
        #expect(answers.intents.keys.sorted() == ["greeting"])
        #expect(answers.outOfScope[.en] == ["what is the weather tomorrow", "my visa was rejected", "recommend a film"])
        #expect(answers.outOfScope[.fr]?.count == 3)
        #expect(answers.outOfScopeReviewed == "2026-12-07")
        // One example is enough for a language (`intents learn` starts one so); an old date is warned of.
        let single = try fixtureFolder([
            "greeting.yaml": intentFile(id: "greeting"),
            "out-of-scope.yaml": "reviewed: 2026-01-02\nexamples:\n  ar:\n    - كم درجة الحرارة غدا\n",
        ])
        let loaded = try AnswerSetLoader.load(directory: single)
        #expect(loaded.outOfScope[.ar]?.count == 1)
        let warnings = loaded.warnings(at: CheckDate.day("2026-12-07")!)
        #expect(warnings.contains { $0.hasPrefix("intents/out-of-scope.yaml: reviewed 2026-01-02, more than 6 months ago") },
                "\(warnings)")

        let clash = try fixtureFolder([
            "greeting.yaml": intentFile(id: "greeting"),
            "out-of-scope.yaml": (negatives.dropFirst() + ["  es:", "    - greeting hola", "    - a", "    - b"])
                .joined(separator: "\n") + "\n",
        ])
        #expect(throws: AnswerSetError.self) { try AnswerSetLoader.load(directory: clash) }
        do {
            _ = try AnswerSetLoader.load(directory: clash)
        } catch {
            let text = error.description
            #expect(text.contains("intents/out-of-scope.yaml:1: missing required key 'reviewed'"))
            #expect(text.contains("out-of-scope example 'greeting hola' is an example of intent 'greeting' "
                + "(intents/greeting.yaml:14)"))
        }
    }

    @Test func otherFilesAndFoldersAreNotIntents() throws {
        let folder = try fixtureFolder([
            "greeting.yaml": intentFile(id: "greeting"),
            "README.md": "# not an intent",
            "notes.txt": "id: nothing",
            ".hidden.yaml": "this: [is not read",
            "tests/greeting.yaml": "intent: greeting\nphrases:\n  en: [hi]\n",
            "heldout/other.yaml": "not: [valid",
        ])
        let answers = try AnswerSetLoader.load(directory: folder)
        #expect(answers.intents.keys.sorted() == ["greeting"])
    }

    @Test func unknownKeyWrongTypeAndBadValues() throws {
        let folder = try fixtureFolder([
            "greeting.yaml": intentFile(id: "greeting", replacing: [2: "escalate: sometimes"], appending: ["colour: blue"]),
            "help.yaml": intentFile(id: "help", replacing: [2: "escalate: [never]", 3: "reviewed: 2026-02-30"]),
            "thanks.yaml": intentFile(id: "thanks", replacing: [3: "reviewed: 29/11/2026"]),
        ])
        let found = problems(loading: folder)
        expect(found, has: "intents/greeting.yaml", line: 2, containing: "escalate is 'sometimes'")
        expect(found, has: "intents/greeting.yaml", line: 24, containing: "unknown key 'colour'")
        expect(found, has: "intents/help.yaml", line: 2, containing: "'escalate' must be text")
        expect(found, has: "intents/help.yaml", line: 3, containing: "not a real date")
        expect(found, has: "intents/thanks.yaml", line: 3, containing: "not a real date")
    }

    @Test func idsMustMatchFileNamesAndBeUnique() throws {
        let folder = try fixtureFolder([
            "a.yaml": intentFile(id: "b"),
            "b.yaml": intentFile(id: "b", replacing: [6: "    - other hello", 7: "    - other morning",
                                                      8: "    - other how", 10: "    - other bonjour",
                                                      11: "    - other salut", 12: "    - other bonsoir",
                                                      14: "    - other hola", 15: "    - other buenas",
                                                      16: "    - other dias"]),
            "Bad_Name.yaml": intentFile(id: "Bad_Name", replacing: [6: "    - x1 a", 7: "    - x2 b", 8: "    - x3 c",
                                                                    10: "    - x4 d", 11: "    - x5 e", 12: "    - x6 f",
                                                                    14: "    - x7 g", 15: "    - x8 h", 16: "    - x9 i"]),
        ])
        let found = problems(loading: folder)
        expect(found, has: "intents/a.yaml", line: 1, containing: "does not match the file name")
        expect(found, has: "intents/b.yaml", line: 1, containing: "duplicate id 'b'")
        expect(found, has: "intents/Bad_Name.yaml", line: 1, containing: "may only use a-z, 0-9 and '-'")
    }

    @Test func anExampleMayBelongToOneIntentOnly() throws {
        let folder = try fixtureFolder([
            "greeting.yaml": intentFile(id: "greeting"),
            "thanks.yaml": intentFile(id: "thanks", replacing: [7: "    - Greeting, GOOD morning!"]),
        ])
        let found = problems(loading: folder)
        expect(found, has: "intents/thanks.yaml", line: 7, containing: "also under intent 'greeting'")
        #expect(found.count == 1)
    }

    @Test func answersMustBeNonEmptyAndShortEnough() throws {
        let long = String(repeating: "x", count: 401)
        let longer = String(repeating: "y", count: 1001)
        let folder = try fixtureFolder([
            "greeting.yaml": intentFile(id: "greeting", replacing: [19: "    short: \"\"", 21: "    short: \(long)"]),
            "thanks.yaml": intentFile(id: "thanks", replacing: [23: "    short: fine"], appending: ["    more: \(longer)"]),
        ])
        let found = problems(loading: folder)
        expect(found, has: "intents/greeting.yaml", line: 19, containing: "answers.en.short is empty")
        expect(found, has: "intents/greeting.yaml", line: 21, containing: "401 characters; at most 400")
        expect(found, has: "intents/thanks.yaml", line: 24, containing: "1001 characters; at most 1000")
    }

    @Test func languagesMustBeCompleteAndMatch() throws {
        let folder = try fixtureFolder([
            // es removed from examples (lines 13-16) and from answers (lines 22-23).
            "greeting.yaml": intentFile(id: "greeting", replacing: [13: nil, 14: nil, 15: nil, 16: nil, 22: nil, 23: nil]),
            // pt examples without a pt answer, and only two of them.
            "thanks.yaml": intentFile(id: "thanks", replacing: [16: "    - thanks buenos dias\n  pt:\n    - obrigado\n    - valeu"]),
            // ar answer without ar examples.
            "help.yaml": intentFile(id: "help", appending: ["  ar:", "    short: مرحبا"]),
            // de is not a language of the helpline.
            "bye.yaml": intentFile(id: "bye", replacing: [13: "  de:"]),
        ])
        let found = problems(loading: folder)
        expect(found, has: "intents/greeting.yaml", line: 4, containing: "examples lack required language es")
        expect(found, has: "intents/greeting.yaml", line: 13, containing: "answers lack required language es")
        expect(found, has: "intents/thanks.yaml", line: 17, containing: "examples have pt but answers do not")
        expect(found, has: "intents/thanks.yaml", line: 17, containing: "only 2 example(s) in pt")
        expect(found, has: "intents/help.yaml", line: 24, containing: "answers have ar but examples do not")
        expect(found, has: "intents/bye.yaml", line: 13, containing: "unknown language 'de'")
    }

    @Test func factsNeedSourcesThatAreWebLinks() throws {
        let folder = try fixtureFolder([
            "pay-late.yaml": intentFile(id: "pay-late"),
            "rights-x.yaml": intentFile(id: "rights-x", replacing: [3: "reviewed: 2026-11-29\nsources:\n  - ftp://example.org/x\n  - not a url"]),
            "union-y.yaml": intentFile(id: "union-y", replacing: [3: "reviewed: 2026-11-29\nsources: [https://example.org/ok]"]),
        ])
        let found = problems(loading: folder)
        expect(found, has: "intents/pay-late.yaml", line: 1, containing: "need at least one source")
        expect(found, has: "intents/rights-x.yaml", line: 5, containing: "source 'ftp://example.org/x' is not an http(s) URL")
        expect(found, has: "intents/rights-x.yaml", line: 6, containing: "source 'not a url' is not an http(s) URL")
        #expect(!found.contains { $0.file == "intents/union-y.yaml" })
    }

    @Test func relatedIntentsMustExist() throws {
        let folder = try fixtureFolder([
            "greeting.yaml": intentFile(id: "greeting", replacing: [3: "reviewed: 2026-11-29\nrelated: [thanks, nowhere]"]),
            "thanks.yaml": intentFile(id: "thanks"),
        ])
        let found = problems(loading: folder)
        expect(found, has: "intents/greeting.yaml", line: 4, containing: "related intent 'nowhere' does not exist")
        #expect(found.count == 1)
    }

    @Test func invalidYAMLIsReportedWithItsLine() throws {
        let folder = try fixtureFolder([
            "greeting.yaml": "id: greeting\nescalate: never\nexamples:\n  en: [hello, hi\n  fr: [bonjour]\n",
            "thanks.yaml": "id: thanks\nid: again\n",
            "empty.yaml": "",
        ])
        let found = problems(loading: folder)
        let greeting = found.filter { $0.file == "intents/greeting.yaml" }
        #expect(greeting.count == 1)
        #expect(greeting.first.map { $0.message.hasPrefix("invalid YAML") && (4...6).contains($0.line) } == true,
                "\(greeting)")
        expect(found, has: "intents/thanks.yaml", line: 1, containing: "given twice")
        expect(found, has: "intents/empty.yaml", line: 1, containing: "empty")
    }

    @Test func everyProblemIsReportedSortedByFileAndLine() throws {
        let folder = try fixtureFolder([
            "b.yaml": intentFile(id: "b", replacing: [2: "escalate: x", 3: "reviewed: never"]),
            "a.yaml": intentFile(id: "a", replacing: [3: "reviewed: 2026-13-01"], appending: ["extra: 1"]),
        ])
        let found = problems(loading: folder)
        #expect(found.map { "\($0.file):\($0.line)" } == [
            "intents/a.yaml:3", "intents/a.yaml:24", "intents/b.yaml:2", "intents/b.yaml:3",
        ])
        let error = AnswerSetError(problems: found)
        #expect(error.description.contains("intents/a.yaml:24: unknown key 'extra'"))
    }

    @Test func synonymGroupsAreChecked() throws {
        let folder = try fixtureFolder([
            "greeting.yaml": intentFile(id: "greeting"),
            "synonyms.yaml": "groups:\n  - [task, hit, tâche]\n  - [pay, paid, tache]\n  - [alone]\n  - [two words, x]\n",
        ])
        let found = problems(loading: folder)
        expect(found, has: "intents/synonyms.yaml", line: 3, containing: "already in the group at line 2")
        expect(found, has: "intents/synonyms.yaml", line: 4, containing: "at least two words")
        expect(found, has: "intents/synonyms.yaml", line: 5, containing: "must be a single word")
    }

    @Test func regressionPhrasesLoadWithTheirLines() throws {
        let folder = try fixtureFolder([
            "greeting.yaml": "intent: greeting\nphrases:\n  en:\n    - hi\n    - hello\n  fr: [salut]\n",
            "out-of-scope.yaml": "intent: none\nphrases:\n  es:\n    - receta de arepas\n",
        ])
        let phrases = try RegressionSuite.load(directory: folder)
        #expect(phrases.count == 4)
        let hello = try #require(phrases.first { $0.text == "hello" })
        #expect(hello.expected == "greeting" && hello.language == .en && hello.line == 5)
        #expect(hello.file == "intents/greeting.yaml")
        #expect(phrases.first { $0.text == "receta de arepas" }?.expected == nil)
    }

    @Test func realMessagesLoadWithTheirSource() throws {
        let folder = try fixtureFolder([
            "forum.yaml": """
                - url: https://example.org/t/1
                  language: es
                  intent: pay-missing
                  text: >-
                    llevo 3 semanas sin cobrar
                - url: https://example.org/t/2
                  language: en
                  intent: out-of-scope
                  text: best laptop for gaming?
                """,
        ])
        let phrases = try RegressionSuite.load(directory: folder)
        #expect(phrases.map(\.text) == ["llevo 3 semanas sin cobrar", "best laptop for gaming?"])
        #expect(phrases[0].expected == "pay-missing" && phrases[0].language == .es)
        #expect(phrases[0].source == "https://example.org/t/1" && phrases[0].line == 4)
        #expect(phrases[1].expected == nil)

        let bad = try fixtureFolder(["forum.yaml": "- url: forum thread\n  language: sw\n  intent: x\n  text: hi\n"])
        #expect(throws: AnswerSetError.self) { try RegressionSuite.load(directory: bad) }
    }

    /// Nine anchors of nine aliases ("billion laughs"): Yams would hash the 9⁹-value key in full (found by the
    /// answer-file fuzz target). Refused at the alias that passes the budget, before Yams composes the file.
    @Test func aliasBombsAreRefusedAndAFewAliasesAreNot() throws {
        var bomb = [#"a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]"#]
        for (level, previous) in zip("bcdefghi", "abcdefgh") {
            bomb.append("\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]")
        }
        bomb.append("? *i\n: boom")
        let started = ContinuousClock.now
        let folder = try fixtureFolder([
            "greeting.yaml": bomb.joined(separator: "\n") + "\n",
            "thanks.yaml": intentFile(id: "thanks", appending: ["related: &r [help]", "sources: *r"]),
        ])
        let found = problems(loading: folder)
        #expect(ContinuousClock.now - started < .seconds(5))
        // The budget (10,000 values) runs out on line 5, at the first alias of d (7,381 values).
        expect(found, has: "intents/greeting.yaml", line: 5, containing: "aliases (*name) expand to more than 10000")
        #expect(!found.contains { $0.file == "intents/thanks.yaml" && $0.message.contains("aliases") })
    }

    @Test func shippedPhraseFilesLoad() throws {
        let tests = try RegressionSuite.load(directory: Repository.intents.appendingPathComponent("tests"))
        #expect(tests.count > 100)
        #expect(tests.contains { $0.expected == nil })
    }
}

/// Checks that `problems` has one in `file` at `line` whose message contains `text`, listing them all if not.
func expect(
    _ problems: [AnswerFileProblem], has file: String, line: Int, containing text: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let found = problems.contains { $0.file == file && $0.line == line && $0.message.contains(text) }
    #expect(found, "no problem '\(text)' at \(file):\(line) in:\n\(problems.map(\.description).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
}
