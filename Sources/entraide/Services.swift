import PrivateFiles
import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import Logging

/// The parts of a running helpline, built once from the configuration.
struct Services {
    let configuration: Configuration
    let logger: Logger
    let store: CaseStore
    let library: AnswerLibrary
    let helpline: Helpline

    /// `rateLimited: false` for the operator's own terminal (`entraide chat`), where a pasted
    /// file of questions is a test, not a flood.
    init(configuration: Configuration, rateLimited: Bool = true) throws {
        self.configuration = configuration
        LogSetup.bootstrap(level: configuration.logLevel)
        var logger = Logger(label: "entraide")
        logger.logLevel = configuration.logLevel
        self.logger = logger

        let data = URL(fileURLWithPath: configuration.dataDirectory)
        do {
            // The store and the key are the workers' secrets: a new directory is owner-only, a shared one refused.
            try PrivateFiles.prepareDirectory(data.path, what: "the data directory")
        } catch {
            throw ConfigurationError("\(error) (or set data_dir or --data)")
        }
        let intents = URL(fileURLWithPath: configuration.intentsDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: intents.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError(
                "no answer files at \(intents.path): run from the repository, or set intents_dir or --intents.")
        }
        do {
            library = try AnswerLibrary(directory: intents, logger: logger,
                                        cache: MatcherCache(directory: data.appendingPathComponent("matcher")))
        } catch {
            throw ConfigurationError("\(error)\nFix these and start again; `entraide intents check` lists them.")
        }
        let (store, pseudonymizer) = try configuration.openStore(logger: logger)
        self.store = store
        var policy = CasePolicy(
            reopenWithin: TimeInterval(configuration.reopenWithinHours * 3600),
            remindAfter: TimeInterval(configuration.remindAfterMinutes * 60),
            remindUrgentAfter: TimeInterval(configuration.remindUrgentAfterMinutes * 60),
            checkInEvery: TimeInterval(configuration.checkInEverySeconds), checkInMaximum: configuration.checkIns,
            urgentUnclaimedLimit: TimeInterval(configuration.urgentUnclaimedLimitMinutes * 60))
        policy.giveUpAfter = TimeInterval(configuration.giveUpAfterHours * 3600)
        // Volunteers hear about cases in their IRC channel when there is one; otherwise they use
        // `entraide cases` on the server.
        let routing = configuration.irc.host.isEmpty || configuration.irc.volunteersChannel.isEmpty
            ? nil : VolunteerRouting(channel: "irc", target: configuration.irc.volunteersChannel)
        helpline = Helpline(
            store: store, library: library, pseudonymizer: pseudonymizer,
            defaultLanguage: configuration.defaultLanguage, logger: logger, policy: policy, volunteers: routing,
            rateLimit: rateLimited ? configuration.rateLimit : nil)
    }
}

/// Log records go to standard error, one line each, at the configured level.
enum LogSetup {
    /// Called once per process, before the first logger is made (swift-log allows one bootstrap).
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            // Every record is redacted (no e-mail, phone, worker id, line break) before it is written.
            var handler = RedactingLogHandler(wrapping: StreamLogHandler.standardError(label: label))
            handler.logLevel = level
            return handler
        }
    }
}
