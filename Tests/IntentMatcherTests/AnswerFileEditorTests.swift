import Foundation
import Testing
@testable import IntentMatcher

/// `intents learn` edits the operator's files in place: comments, order and other lists stay as written.
@Suite struct AnswerFileEditorTests {
    let answerFile = """
        id: thanks
        escalate: never
        reviewed: 2026-11-29
        # examples: what workers write
        examples:
          en:
            - thanks
            - thank you  # the plain one
          fr:
            - merci
        answers:
          en:
            short: You're welcome.
        """

    @Test func anExampleGoesAtTheEndOfItsLanguagesList() throws {
        let edited = try AnswerFileEditor.adding("cheers mate", language: .en, section: "examples", to: answerFile)
        let lines = edited.components(separatedBy: "\n")
        #expect(lines[7] == "    - thank you  # the plain one")
        #expect(lines[8] == "    - cheers mate")
        #expect(lines[9] == "  fr:")
        #expect(edited.replacingOccurrences(of: "    - cheers mate\n", with: "") == answerFile)
    }

    @Test func aMissingLanguageIsAddedAtTheEndOfTheSection() throws {
        let edited = try AnswerFileEditor.adding("obrigado", language: .pt, section: "examples", to: answerFile)
        #expect(edited.contains("    - merci\n  pt:\n    - obrigado\nanswers:"))
    }

    @Test func testFilesWithItemsAtTheKeysIndentation() throws {
        let phrases = "intent: none\nphrases:\n  en:\n  - whats the weather\n  - algebra homework\n  fr:\n  - la météo\n"
        let edited = try AnswerFileEditor.adding("best pizza near me", language: .en, section: "phrases", to: phrases)
        #expect(edited == "intent: none\nphrases:\n  en:\n  - whats the weather\n  - algebra homework\n  - best pizza near me\n"
            + "  fr:\n  - la météo\n")
    }

    /// What a worker typed is data, never YAML: it reads back as exactly the same string.
    @Test(arguments: ["yes", "no: really?", "# not a comment", "- dash first", "she said \"pay me\"", "back\\slash",
                      "[not, a, list]", "100", "ok", "رفضوا عملي", "&anchor *alias"])
    func anyPhraseReadsBackAsWritten(_ phrase: String) throws {
        let edited = try AnswerFileEditor.adding(phrase, language: .en, section: "examples", to: intentFile(id: "thanks"))
        let folder = try fixtureFolder(["thanks.yaml": edited])
        let answers = try AnswerSetLoader.load(directory: folder)
        #expect(answers["thanks"]?.examples[.en]?.last == phrase)
    }

    @Test func inlineListsAndMissingSectionsAreRefusedWithAReason() {
        #expect(throws: AnswerFileEditor.EditError.self) {
            try AnswerFileEditor.adding("x", language: .fr, section: "phrases", to: "intent: a\nphrases:\n  fr: [salut]\n")
        }
        #expect(throws: AnswerFileEditor.EditError.self) {
            try AnswerFileEditor.adding("x", language: .en, section: "examples", to: "id: a\n")
        }
        #expect(throws: AnswerFileEditor.EditError.self) {
            try AnswerFileEditor.adding("  \n ", language: .en, section: "examples", to: answerFile)
        }
    }
}
