import ArgumentParser

@main
struct Entraide: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entraide",
        abstract: "A mutual-aid helpline for click workers: curated answers, and volunteers when it matters.",
        version: Version.line,
        subcommands: [
            Chat.self, Serve.self, Intents.self, Crisis.self, Cases.self, Volunteers.self, Audit.self, Forget.self, Purge.self,
            Backup.self, RelayCommand.self,
        ]
    )
}

/// Options every command that touches state or answers takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "A YAML configuration file (see docs/configuration.md).")
    var config: String?

    @Option(name: .long, help: "The data directory (SQLite store, pseudonym key). Default: data_dir, or ./data.")
    var data: String?

    @Option(name: .long, help: "The answer files' directory. Default: intents_dir, or ./intents.")
    var intents: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    /// The configuration from file and environment, then these options on top.
    func resolve(environment: [String: String]) throws -> Configuration {
        var configuration = try Configuration.load(file: config, environment: environment)
        if let data { configuration.dataDirectory = data }
        if let intents { configuration.intentsDirectory = intents }
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel) else {
                throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = level
        }
        return configuration
    }
}

import Logging
