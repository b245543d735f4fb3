import ArgumentParser
import CaseTracker
import Foundation

/// `entraide backup FILE`: a consistent copy of the live store, with SQLite's online backup
/// (see `CaseStore.backup`), safe while `serve` runs. It prints what was written and nothing about
/// workers. The pseudonym key is not in it, on purpose: it is backed up apart.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a consistent copy of the case store to FILE (mode 0600); safe while serve runs.",
        discussion: """
            The copy includes what is still in the store's write-ahead log, which copying entraide.sqlite does not.
            The pseudonym key is not in it: back it up separately. Restoring: docs/operators.md, "Backups and restore".
            """)

    @Argument(help: "The file to write; refused if it exists, unless --force.")
    var file: String

    @Flag(help: "Replace FILE if it exists (the old one stays until the new copy is complete).")
    var force = false

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let configuration = try common.resolve(environment: ProcessInfo.processInfo.environment)
        // Opening a missing store would create an empty one, and back that up as if all were well.
        guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
            throw ValidationError(
                "there is no store at \(configuration.databasePath): name the data directory serve uses, with --data or data_dir")
        }
        let store = try configuration.openStore().0
        let summary = try store.backup(to: file, replacing: force)
        try store.audit(actor: "operator", action: "backup", outcome: "ok", detail: summary.path)
        print("backup written: \(summary.path)")
        print("  size: \(summary.bytes) bytes")
        print("  store schema: \(summary.schemaVersion)")
        print("  cases: \(summary.cases)")
        print("The pseudonym key (\(configuration.pseudonymKeyPath)) is not in it: back it up separately, and keep it apart.")
    }
}
