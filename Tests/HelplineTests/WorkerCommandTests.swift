import Helpline
import IntentMatcher
import Testing

@Suite struct WorkerCommandTests {
    @Test(arguments: [
        ("help", WorkerCommand.help), ("MENU", .help), ("ayuda", .help), ("Aide !", .help),
        ("human", .human), ("humano", .human), ("more", .more), ("más", .more), ("plus", .more),
        ("forget me", .forgetMe), ("Oublie-moi", .forgetMe), ("olvídame", .forgetMe), ("olvidame", .forgetMe),
        ("esquece-me", .forgetMe), ("انسني", .forgetMe), ("stop", .stop), ("lang es", .language(.es)),
        ("langue fr", .language(.fr)), ("idioma português", .language(.pt)), ("language arabic", .language(.ar)),
    ])
    func recognisesCommandsInEveryLanguage(text: String, expected: WorkerCommand) {
        #expect(WorkerCommand.parse(text, choices: 0) == expected)
    }

    @Test func numbersAreChoicesOnlyWhenAQuestionWasAsked() {
        #expect(WorkerCommand.parse("2", choices: 3) == .choice(2))
        #expect(WorkerCommand.parse("2", choices: 0) == nil)
        #expect(WorkerCommand.parse("4", choices: 3) == nil)
    }

    @Test(arguments: [
        "they stop paying me", "I need more money for my work", "lang", "lang xx", "help me my account was banned",
    ])
    func sentencesAreNotCommands(text: String) {
        #expect(WorkerCommand.parse(text, choices: 0) == nil)
    }
}
