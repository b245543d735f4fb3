import PrivateFiles
import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import Logging
import Yams

/// Everything an operator can set, with its default. Works with no file at all.
///
/// Sources, later ones winning: the defaults below, the YAML file given by `--config`, the
/// `ENTRAIDE_…` environment variables, then command-line options. Secrets (the pseudonym key,
/// later passwords and tokens) are never values here: only paths to files, or the environment.
/// Every key is documented in docs/configuration.md; a test keeps the two in step.
struct Configuration: Sendable, Equatable {
    /// Where the SQLite store and the pseudonym key live.
    var dataDirectory = "data"
    /// Where the answer files are.
    var intentsDirectory = "intents"
    /// The language used before a worker's language is known.
    var defaultLanguage = Language.en
    /// trace, debug, info, notice, warning, error or critical. Message bodies and addresses are
    /// never logged at info or above.
    var logLevel = Logger.Level.info
    /// `full` (fsync at every commit; an acknowledged message survives a power cut) or `normal`.
    var storeDurability = CaseStore.Durability.full
    /// The file holding the pseudonym key; empty means `<data_dir>/pseudonym.key`.
    var pseudonymKeyFile = ""
    var irc = IRCSettings()
    /// A worker writing again this many hours after their case closed gets it back.
    var reopenWithinHours = 72
    /// Unclaimed cases are announced again after this many minutes (urgent ones sooner).
    var remindAfterMinutes = 15
    var remindUrgentAfterMinutes = 2
    /// While an urgent case waits unclaimed, the worker hears from the helpline every so many seconds, so
    /// many times; past the limit, the health endpoint fails.
    var checkInEverySeconds = 600
    var checkIns = 3
    var urgentUnclaimedLimitMinutes = 15
    /// Closed cases and idle conversations are erased after this many days.
    var retentionDays = 90
    /// A reply that cannot be delivered is tried again for this many hours, then given up.
    var giveUpAfterHours = 24
    /// Per-worker rate limit on the network channels: a burst, then so many messages a minute.
    var limitsEnabled = true
    var limitBurst = 20
    var limitPerMinute = 30
    /// A worker over the limit is told at most once in this many minutes.
    var limitNoticeMinutes = 5
    var http = HTTPSettings()
    /// host:port of `serve`'s health endpoint (GET /health); empty: none.
    var healthListen = ""

    var databasePath: String { URL(fileURLWithPath: dataDirectory).appendingPathComponent("entraide.sqlite").path }

    var pseudonymKeyPath: String {
        pseudonymKeyFile.isEmpty
            ? URL(fileURLWithPath: dataDirectory).appendingPathComponent("pseudonym.key").path : pseudonymKeyFile
    }

    /// The case store, with the audit chain's key derived from the pseudonym key (created on first start, as
    /// `serve` would): every command that writes audit records links them the same way. The one way to open it.
    /// `checkingOnly`: a command that checks the chain (`audit verify`, `audit head`) must not create a key, which
    /// would make every keyed record look rewritten: it says the key is missing instead.
    func openStore(logger: Logger = Logger(label: "entraide.store"), checkingOnly: Bool = false) throws
        -> (CaseStore, Pseudonymizer) {
        if checkingOnly && !FileManager.default.fileExists(atPath: pseudonymKeyPath) {
            throw ConfigurationError(
                "the pseudonym key \(pseudonymKeyPath) is missing: the audit chain's key is derived from it. Put the key's "
                    + "backup back there (docs/operators.md, \"Backups and restore\"), or name it with pseudonym_key_file.")
        }
        let pseudonymizer = try Pseudonymizer.loadOrCreateKey(at: URL(fileURLWithPath: pseudonymKeyPath))
        let store = try CaseStore(
            path: databasePath, durability: storeDurability, logger: logger, auditKey: pseudonymizer.derivedKey(for: "audit"))
        return (store, pseudonymizer)
    }

    /// One entry per key: its name in YAML (the environment variable is `ENTRAIDE_` and the name in
    /// capitals, dots as underscores) and how to set it from text.
    struct Key: Sendable {
        let name: String
        let apply: @Sendable (inout Configuration, String) -> String?  // nil, or what is wrong

        /// A key whose value is any text (a path, a name).
        static func text(_ name: String, _ path: any WritableKeyPath<Configuration, String> & Sendable) -> Key {
            Key(name: name) { config, value in
                config[keyPath: path] = value
                return nil
            }
        }

        /// A key whose value is a whole number in `range`.
        static func integer(
            _ name: String, _ range: ClosedRange<Int>, _ path: any WritableKeyPath<Configuration, Int> & Sendable
        ) -> Key {
            Key(name: name) { config, value in Configuration.integer(value, range) { config[keyPath: path] = $0 } }
        }

        static func boolean(_ name: String, _ path: any WritableKeyPath<Configuration, Bool> & Sendable) -> Key {
            Key(name: name) { config, value in Configuration.boolean(value) { config[keyPath: path] = $0 } }
        }

        var environmentVariable: String {
            "ENTRAIDE_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
        }
    }

    /// Every key; each channel's keys live beside its settings (Configuration+IRC.swift, …).
    static let keys: [Key] = coreKeys + ircKeys + httpKeys

    static let coreKeys: [Key] = [
        Key(name: "data_dir") { config, value in
            guard !value.isEmpty else { return "must not be empty" }
            config.dataDirectory = value
            return nil
        },
        Key(name: "intents_dir") { config, value in
            guard !value.isEmpty else { return "must not be empty" }
            config.intentsDirectory = value
            return nil
        },
        Key(name: "default_language") { config, value in
            guard let language = Language(rawValue: value) else {
                return "must be one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))"
            }
            config.defaultLanguage = language
            return nil
        },
        Key(name: "log_level") { config, value in
            guard let level = Logger.Level(rawValue: value) else {
                return "must be one of trace, debug, info, notice, warning, error, critical"
            }
            config.logLevel = level
            return nil
        },
        Key(name: "store.durability") { config, value in
            guard let durability = CaseStore.Durability(rawValue: value) else { return "must be full or normal" }
            config.storeDurability = durability
            return nil
        },
        .text("pseudonym_key_file", \.pseudonymKeyFile),
        .integer("retention_days", 1...3650, \.retentionDays),
        .integer("delivery.give_up_after_hours", 1...8760, \.giveUpAfterHours),
        .integer("cases.reopen_within_hours", 0...8760, \.reopenWithinHours),
        .integer("cases.remind_after_minutes", 1...10_080, \.remindAfterMinutes),
        .integer("cases.remind_urgent_after_minutes", 1...1440, \.remindUrgentAfterMinutes),
        .integer("cases.checkin_every_seconds", 1...86_400, \.checkInEverySeconds),
        .integer("cases.checkins", 0...20, \.checkIns),
        .integer("cases.urgent_unclaimed_limit_minutes", 1...1440, \.urgentUnclaimedLimitMinutes),
        Key(name: "health.listen") { config, value in
            guard value.isEmpty || HealthEndpoint.parse(value) != nil else {
                return "must be host:port, for example 127.0.0.1:8089"
            }
            config.healthListen = value
            return nil
        },
        .boolean("limits.enabled", \.limitsEnabled),
        .integer("limits.burst", 1...10_000, \.limitBurst),
        .integer("limits.per_minute", 1...100_000, \.limitPerMinute),
        .integer("limits.notice_minutes", 1...1440, \.limitNoticeMinutes),
    ]

    /// The rate limit for the network channels; nil when the operator turned it off.
    var rateLimit: RateLimitPolicy? {
        guard limitsEnabled else { return nil }
        return RateLimitPolicy(burst: limitBurst, perMinute: limitPerMinute, noticeInterval: TimeInterval(limitNoticeMinutes * 60))
    }

    static func integer(_ text: String, _ range: ClosedRange<Int>, _ set: (Int) -> Void) -> String? {
        guard let value = Int(text), range.contains(value) else {
            return "must be a whole number from \(range.lowerBound) to \(range.upperBound)"
        }
        set(value)
        return nil
    }

    static func boolean(_ text: String, _ set: (Bool) -> Void) -> String? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": set(true)
        case "false", "no", "off", "0": set(false)
        default: return "must be true or false"
        }
        return nil
    }

    /// A secret from the environment, or else from the file named in the configuration.
    static func secret(
        environment: [String: String], variable: String, file: String
    ) throws(ConfigurationError) -> String? {
        if let value = environment[variable], !value.isEmpty { return value }
        guard !file.isEmpty else { return nil }
        do { try PrivateFiles.checkSecret(file, what: "the secret file") } catch { throw ConfigurationError("\(error)") }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ConfigurationError("cannot read the secret file \(file); check its path and permissions")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Builds the configuration from the file (if any) and the environment.
    static func load(file: String?, environment: [String: String]) throws(ConfigurationError) -> Configuration {
        var configuration = Configuration()
        if let file { try configuration.apply(file: file) }
        for key in keys {
            guard let value = environment[key.environmentVariable] else { continue }
            if let problem = key.apply(&configuration, value) {
                throw ConfigurationError("\(key.environmentVariable): \(problem)")
            }
        }
        return configuration
    }

    private mutating func apply(file: String) throws(ConfigurationError) {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ConfigurationError("\(file): cannot read the configuration file")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigurationError("\(file): not valid YAML: \(error)")
        }
        guard let root else { return }  // an empty file is an empty configuration
        guard case .mapping(let mapping) = root else {
            throw ConfigurationError("\(file):\(Self.line(root)): the configuration must be a mapping of keys to values")
        }
        var problems: [String] = []
        walk(mapping, prefix: "", file: file, problems: &problems)
        if !problems.isEmpty { throw ConfigurationError(problems.joined(separator: "\n")) }
    }

    private mutating func walk(_ mapping: Node.Mapping, prefix: String, file: String, problems: inout [String]) {
        for (keyNode, valueNode) in mapping {
            let name = prefix + (keyNode.string ?? "?")
            let place = "\(file):\(Self.line(keyNode))"
            if case .mapping(let nested) = valueNode {
                guard Self.keys.contains(where: { $0.name.hasPrefix(name + ".") }) else {
                    problems.append("\(place): unknown section '\(name)'")
                    continue
                }
                walk(nested, prefix: name + ".", file: file, problems: &problems)
                continue
            }
            guard let key = Self.keys.first(where: { $0.name == name }) else {
                let known = Self.keys.map(\.name).joined(separator: ", ")
                problems.append("\(place): unknown key '\(name)' (known keys: \(known))")
                continue
            }
            guard case .scalar(let scalar) = valueNode else {
                problems.append("\(place): '\(name)' must be a single value, not a list")
                continue
            }
            if let problem = key.apply(&self, scalar.string) {
                problems.append("\(place): '\(name)' \(problem)")
            }
        }
    }

    private static func line(_ node: Node) -> Int { (node.mark?.line ?? 0) }
}

/// A configuration problem, worded for the operator: which key, which file or variable, what to do.
struct ConfigurationError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
