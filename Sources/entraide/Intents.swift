import ArgumentParser
import Foundation
import IntentMatcher

/// `entraide intents …`: the operator's tools for the answer files.
struct Intents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check, test and try the answer files.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the answer files; list every problem as file:line and exit 1 if there is one.")

        @Argument(help: "The answer files' directory (default: intents_dir, or ./intents).")
        var directory: String?

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try common.resolve(environment: ProcessInfo.processInfo.environment)
            let url = URL(fileURLWithPath: directory ?? configuration.intentsDirectory)
            do {
                let answers = try AnswerSetLoader.load(directory: url)
                let languages = Set(answers.intents.values.flatMap(\.answers.keys)).sorted().map(\.rawValue)
                print("ok: \(answers.intents.count) intents in \(url.path) (languages: \(languages.joined(separator: ", ")))")
            } catch {
                for problem in error.problems { print(problem) }
                print("\(error.problems.count) problem(s): the helpline will refuse this set and keep serving the last good one.")
                throw ExitCode(1)
            }
        }
    }
}
