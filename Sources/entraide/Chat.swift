import ArgumentParser
import CaseTracker
import Foundation
import Gateway
import Helpline
import IntentMatcher
import Logging

/// `entraide chat`: talk to the helpline in the terminal, as a worker would.
struct Chat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Talk to the helpline in this terminal, as a worker (reads standard input; piped input works).")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "The language to start in before the helpline knows yours (en, fr, es, pt, ar).")
    var lang: String?

    @Option(name: .long, help: "A name for the worker you play; different names are different workers.")
    var worker: String = "terminal"

    func run() async throws {
        var configuration = try common.resolve(environment: ProcessInfo.processInfo.environment)
        if let lang {
            guard let language = Language(rawValue: lang) else {
                throw ValidationError("--lang must be one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            configuration.defaultLanguage = language
        }
        // In a terminal conversation the log would drown the dialogue: warnings and up only,
        // unless asked for (--log-level).
        if common.logLevel == nil && ProcessInfo.processInfo.environment["ENTRAIDE_LOG_LEVEL"] == nil {
            configuration.logLevel = .warning
        }
        let services = try Services(configuration: configuration, rateLimited: false)
        ReloadOnHangup.install(library: services.library)
        let interactive = isatty(STDIN_FILENO) == 1
        let channel = ConsoleChannel(helpline: services.helpline, worker: worker, interactive: interactive)
        try await channel.run(lines: ConsoleChannel.standardInputLines())
    }
}
