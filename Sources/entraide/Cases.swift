import ArgumentParser
import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import Logging

/// `entraide cases …`: the volunteers' commands on the server, and the weekly figures and the CSV
/// export. A volunteer's command is the default, so `entraide cases claim 12 --as amina` reads as
/// it always did; `stats` and `export` have options of their own, hence subcommands.
struct Cases: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Volunteers' commands on the server (list, show, claim, reply, …), weekly stats, and a CSV export.",
        discussion: """
            Example: entraide cases claim 12 --as amina ; entraide cases reply 12 --as amina "Hello, I am here." ;
            entraide cases stats --as amina --weeks 8 ; entraide cases export --since 2026-04-01 --output cases.csv
            """,
        subcommands: [Desk.self, Stats.self, Export.self],
        defaultSubcommand: Desk.self)
}

extension Cases {
    /// A volunteer's command on the server. Access to the server is the authentication here; `--as`
    /// names the volunteer (who must exist and not be revoked).
    struct Desk: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A volunteer's command: list, show, claim, reply, note, release, transfer, close, block.",
            discussion: "Example: entraide cases claim 12 --as amina ; entraide cases reply 12 --as amina \"Hello, I am here.\"")

        @Argument(help: "list [lang] | show N | claim N | reply N text | answer N topic | note N text | release N | transfer N alias [force] | accept N | decline N | close N [outcome] | block N")
        var words: [String]

        @Option(name: .customLong("as"), help: "Your volunteer alias.")
        var alias: String?

        @Flag(help: "Act as the operator on any case, whoever holds it: list, show, release, transfer (audited as operator).")
        var `operator` = false

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let services = try Services(configuration: try common.resolve(environment: ProcessInfo.processInfo.environment))
            guard let parsed = VolunteerCommand.parse(words.joined(separator: " ")) else {
                throw ValidationError("unknown command; one of: \(VolunteerCommand.usage)")
            }
            let command: VolunteerCommand
            switch parsed {
            case .success(let ok): command = ok
            case .failure(let error): throw ValidationError("\(error)")
            }
            guard (alias != nil) != `operator` else {
                throw ValidationError("say who acts: --as YOUR-ALIAS (a volunteer) or --operator (release or transfer any case)")
            }
            let desk = VolunteerDesk(helpline: services.helpline)
            if `operator` {
                let lines = desk.perform(command, as: nil, via: "cli", sender: "operator", asOperator: true)
                for line in lines { print(line) }
                if VolunteerDesk.didNothing(lines) { throw ExitCode(1) }
                return
            }
            let alias = alias ?? ""
            let volunteer = try services.store.volunteer(alias: alias)
            let lines = desk.perform(command, as: volunteer, via: "cli", sender: alias)
            for line in lines { print(line) }
            if volunteer?.active != true || VolunteerDesk.didNothing(lines) { throw ExitCode(1) }
        }
    }
}

/// `entraide volunteers …`: the operator adds and revokes volunteers.
struct Volunteers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add or revoke volunteers.", subcommands: [Add.self, Revoke.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a volunteer (or renew their token); prints their login token once.")

        @Argument(help: "The alias workers see on replies (not their IRC nick).")
        var alias: String

        @Option(help: "Languages they answer in, comma-separated (en,fr,es,pt,ar).")
        var languages: String = "en"

        @Option(name: .customLong("irc-account"), help: "Their services account, where the IRC server has services.")
        var ircAccount: String?

        @OptionGroup var common: CommonOptions

        func run() async throws {
            guard alias.range(of: "^[A-Za-z0-9_-]{2,24}$", options: .regularExpression) != nil else {
                throw ValidationError("an alias is 2–24 letters, digits, - or _")
            }
            let languages = try Self.languages(self.languages)
            let services = try Services(configuration: try common.resolve(environment: ProcessInfo.processInfo.environment))
            guard let token = Digest.randomToken() else { throw ValidationError("no randomness available for a token") }
            try services.store.addVolunteer(
                alias: alias, languages: languages, ircAccount: ircAccount,
                tokenHash: Digest.sha256Hex(token))
            print("volunteer \(alias) added. Their login token (shown once; give it to them privately):")
            print(token)
            print("On IRC they send the bot, in private: login \(token)")
        }

        /// The languages a volunteer answers in, checked: cases are offered by language, so a misspelt one
        /// ("fre", "sp") would silently offer them nothing in it. Repeats are dropped, the order kept.
        static func languages(_ list: String) throws -> [String] {
            var chosen: [String] = []
            for item in list.split(separator: ",", omittingEmptySubsequences: false) {
                let code = item.trimmingCharacters(in: .whitespaces).lowercased()
                guard let language = Language(rawValue: code) else {
                    let known = Language.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ValidationError("--languages: '\(code)' is not one of \(known) (comma-separated, e.g. en,fr)")
                }
                if !chosen.contains(language.rawValue) { chosen.append(language.rawValue) }
            }
            return chosen
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a volunteer: their token and account stop working.")

        @Argument var alias: String

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let services = try Services(configuration: try common.resolve(environment: ProcessInfo.processInfo.environment))
            do {
                let released = try VolunteerDesk(helpline: services.helpline).revoke(alias)
                print("volunteer \(alias) revoked" + (released.isEmpty ? "" : "; back in the queue and announced again: " + released.map { "#\($0)" }.joined(separator: ", ")))
            } catch let refusal as CaseActionRefused {
                throw ValidationError("\(refusal) (entraide cases list --operator shows who holds what)")
            }
        }
    }
}

/// `entraide audit verify` and `audit head`: the audit chain checked, and its head exported to keep elsewhere.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the audit log.", subcommands: [Verify.self, Head.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the audit log's chain; exit 1 and name the first bad record if it was tampered with.",
            discussion: """
                The chain's links are HMACs under a key derived from the pseudonym key, so whoever edits the database \
                without that key cannot make it verify again. A removed tail shows against a head you exported \
                earlier (`entraide audit head`): give it with --head.
                """)

        @Option(help: "A head printed earlier by `entraide audit head` (\"<id> <link>\"): the log must still hold it.")
        var head: String?

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try common.resolve(environment: ProcessInfo.processInfo.environment)
            let store = try configuration.openStore(checkingOnly: true).0
            let result = try store.verifyAudit()
            if let firstBad = result.firstBad {
                print("audit log broken at record \(firstBad) (of \(result.checked)): it, or the one before it, was edited, removed or rewritten without the key")
                throw ExitCode(1)
            }
            if let head {
                let parts = head.split(whereSeparator: { $0 == " " || $0 == ":" })
                guard parts.count == 2, let id = Int64(parts[0]) else {
                    throw ValidationError("--head takes what `entraide audit head` printed: \"<id> <link>\"")
                }
                guard try store.auditContains(head: id, hash: String(parts[1])) else {
                    print("audit log broken: record \(id), the head exported earlier, is gone or changed: the log's tail was removed or rewritten")
                    throw ExitCode(1)
                }
            }
            var notes: [String] = []
            if result.erasedDetails > 0 { notes.append("\(result.erasedDetails) details erased with their worker") }
            if result.unkeyed > 0 { notes.append("\(result.unkeyed) records from before the chain was keyed") }
            if result.needingKey > 0 { notes.append("\(result.needingKey) keyed records not checked: the key is missing") }
            print("ok: \(result.checked) audit records, chain intact\(head == nil ? "" : ", head found")\(notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")")")
        }
    }

    struct Head: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the audit log's head (\"<id> <link>\"): keep it apart from the server, then `audit verify --head` shows a removed or rewritten tail.")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try common.resolve(environment: ProcessInfo.processInfo.environment)
            guard let head = try configuration.openStore(checkingOnly: true).0.auditHead() else {
                print("the audit log is empty")
                return
            }
            print("\(head.id) \(head.hash)")
        }
    }
}
