import ArgumentParser
import CaseTracker
import Foundation

/// `entraide forget PSEUDONYM`: an operator erases a worker (who asked by another way).
struct Forget: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase everything about a worker, by pseudonym (w-…); the audit log records that it happened, not what.")

    @Argument(help: "The worker's pseudonym, as volunteers see it (w- and 16 hex digits).")
    var pseudonym: String

    @OptionGroup var common: CommonOptions

    func run() async throws {
        guard pseudonym.range(of: "^w-[0-9a-f]{16}$", options: .regularExpression) != nil else {
            throw ValidationError("a pseudonym looks like w-3f9a0c1d2b4e5f60")
        }
        let configuration = try common.resolve(environment: ProcessInfo.processInfo.environment)
        let store = try configuration.openStore().0
        if try store.erase(pseudonym: pseudonym) {
            print("erased everything about \(pseudonym)")
        } else {
            print("nothing was stored about \(pseudonym) (the erasure attempt is audited)")
        }
    }
}

/// `entraide purge`: applies the retention policy now.
struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase closed cases and idle conversations older than retention_days now (serve does it every six hours).")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let configuration = try common.resolve(environment: ProcessInfo.processInfo.environment)
        let store = try configuration.openStore().0
        let report = try store.purge(olderThan: TimeInterval(configuration.retentionDays) * 86_400)
        print("erased \(report.cases) closed case(s), \(report.conversations) idle conversation(s), \(report.messages) message(s)")
    }
}
