import Foundation
import TestSupport
import Testing

/// The operator's commands for the volunteer desk as they are typed: `--version`, `backup` and a
/// restore, `cases stats`, `cases export`. Real processes on real files.
@Suite struct OperationsCommandLineTests {
    let root: URL
    let data: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-ops-\(UUID().uuidString)")
        data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func entraide(_ arguments: [String], data: URL? = nil, input: String = "") throws -> CommandLineTests.Run {
        try CommandLineTests.run(arguments + ["--data", (data ?? self.data).path], input: input)
    }

    /// A worker asks for a person and then says who they are; amina claims the case.
    func aClaimedCaseWithAWorkerWhoGaveTheirNameAndNumber() throws {
        _ = try entraide(["volunteers", "add", "amina"])
        let chat = try entraide(
            ["chat", "--worker", "jean"], input: "human\nmy name is Jean Dupont, call me on +33 6 12 34 56 78\n")
        try #require(chat.status == 0, "\(chat.errors)")
        let claimed = try entraide(["cases", "claim", "1", "--as", "amina"])
        try #require(claimed.output.contains("You hold case #1"), "\(claimed.output)\(claimed.errors)")
    }

    @Test func versionNamesTheReleaseAndTheLastMigrationOfTheStore() throws {
        let run = try CommandLineTests.run(["--version"])
        #expect(run.status == 0)
        // The schema named is the last migration registered in the source, whatever its number.
        let migrations = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Sources/CaseTracker/Migrations.swift"), encoding: .utf8)
        let last = try #require(
            migrations.components(separatedBy: "registerMigration(\"").last?.split(separator: "\"").first.map(String.init))
        #expect(run.output.range(of: #"^entraide [0-9]+\.[0-9]+\.[0-9]+ \(store schema "#, options: .regularExpression) != nil)
        #expect(run.output.hasSuffix("(store schema \(last))\n"), "got: \(run.output)")
    }

    @Test func aBackupRestoredInAnotherDataDirectoryHasTheCasesAndAnIntactAuditLog() throws {
        try aClaimedCaseWithAWorkerWhoGaveTheirNameAndNumber()
        let file = root.appendingPathComponent("entraide-backup.sqlite")
        let backup = try entraide(["backup", file.path])
        #expect(backup.status == 0, "\(backup.errors)")
        #expect(backup.output.contains("backup written: \(file.path)"))
        #expect(backup.output.contains("bytes"))
        #expect(backup.output.contains("store schema: v"))
        #expect(backup.output.contains("cases: 1"))
        #expect(backup.output.contains("pseudonym key"))
        for secret in ["w-", "jean", "Jean", "+33"] { #expect(!(backup.output + backup.errors).contains(secret)) }
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        let again = try entraide(["backup", file.path])
        #expect(again.status != 0)
        #expect(again.errors.contains("already exists") && again.errors.contains("--force"), "\(again.errors)")
        #expect(try entraide(["backup", file.path, "--force"]).status == 0)

        // Restore as the operators' guide says: the backup in place of entraide.sqlite, the key beside it.
        let restored = root.appendingPathComponent("restored")
        try FileManager.default.createDirectory(at: restored, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: file, to: restored.appendingPathComponent("entraide.sqlite"))
        try FileManager.default.copyItem(
            at: data.appendingPathComponent("pseudonym.key"), to: restored.appendingPathComponent("pseudonym.key"))
        let listed = try entraide(["cases", "list", "--as", "amina"], data: restored)
        #expect(listed.status == 0, "\(listed.errors)")
        #expect(listed.output.hasPrefix("#1 [en] human"), "\(listed.output)")
        #expect(listed.output.contains("held by amina"))
        let verified = try entraide(["audit", "verify"], data: restored)
        #expect(verified.status == 0)
        #expect(verified.output.hasPrefix("ok: "), "\(verified.output)")
        // The same worker writing again is the same pseudonym, so the case carries on.
        let more = try entraide(["chat", "--worker", "jean"], data: restored, input: "are you there?\n")
        #expect(more.status == 0)
        let shown = try entraide(["cases", "show", "1", "--as", "amina"], data: restored)
        #expect(shown.output.contains("are you there?"), "\(shown.output)")
    }

    /// The operator keeps the head `audit head` prints somewhere else; when the log's last records are removed
    /// afterwards, what is left still verifies as a chain, but not against that head (issue #18, item 5).
    @Test func aRemovedTailOfTheAuditLogShowsAgainstTheExportedHead() throws {
        try aClaimedCaseWithAWorkerWhoGaveTheirNameAndNumber()
        let early = try entraide(["audit", "head"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(early.split(separator: " ").count == 2, "\(early)")
        #expect(try entraide(["cases", "close", "1", "--as", "amina"]).status == 0)
        let head = try entraide(["audit", "head"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(head != early)
        let intact = try entraide(["audit", "verify", "--head", head])
        #expect(intact.status == 0 && intact.output.contains("head found"), "\(intact.output)\(intact.errors)")

        let earlyID = try #require(early.split(separator: " ").first.map(String.init))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()",
            data.appendingPathComponent("entraide.sqlite").path, "DELETE FROM audit WHERE id > \(earlyID)",
        ]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        #expect(try entraide(["audit", "verify"]).status == 0)  // a whole chain, as far as it goes
        let cut = try entraide(["audit", "verify", "--head", head])
        #expect(cut.status == 1)
        #expect(cut.output.contains("the head exported earlier, is gone or changed"), "\(cut.output)")
        #expect(try entraide(["audit", "verify", "--head", early]).status == 0)

        // Checked without the key (restored without it), the chain is not declared broken: the key is asked for,
        // and none is made up.
        let key = data.appendingPathComponent("pseudonym.key")
        let aside = root.appendingPathComponent("pseudonym.key.aside")
        try FileManager.default.moveItem(at: key, to: aside)
        let keyless = try entraide(["audit", "verify"])
        #expect(keyless.status != 0)
        #expect(keyless.errors.contains("pseudonym key") && keyless.errors.contains("is missing"), "\(keyless.errors)")
        #expect(!FileManager.default.fileExists(atPath: key.path))
        try FileManager.default.moveItem(at: aside, to: key)
        #expect(try entraide(["audit", "verify"]).status == 0)
    }

    @Test func aBackupOfADataDirectoryWithNoStoreIsRefused() throws {
        let run = try entraide(["backup", root.appendingPathComponent("x.sqlite").path])
        #expect(run.status != 0)
        #expect(run.errors.contains("there is no store at"), "\(run.errors)")
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("entraide.sqlite").path))
    }

    @Test func theExportHasTheCaseAndNothingTheWorkerSaidOrWhoTheyAre() throws {
        try aClaimedCaseWithAWorkerWhoGaveTheirNameAndNumber()
        // The store does hold their words (volunteers read them on the case, the number masked)…
        let shown = try entraide(["cases", "show", "1", "--as", "amina"])
        try #require(shown.output.contains("my name is Jean Dupont, call me on"), "\(shown.output)")
        // …and the export none of them.
        let stdout = try entraide(["cases", "export", "--since", "2000-01-01"])
        #expect(stdout.status == 0, "\(stdout.errors)")
        let lines = stdout.output.components(separatedBy: "\r\n")
        #expect(lines.count == 3 && lines[2].isEmpty, "\(lines)")
        #expect(lines[0].hasPrefix("id,opened_at,language,topic,urgent,status,claimed_by,claimed_at,closed_at,"))
        #expect(lines[1].hasPrefix("1,"))
        #expect(lines[1].contains(",en,human,0,claimed,amina,"), "\(lines[1])")
        for secret in ["Jean", "Dupont", "+33", "12 34", "[phone]", "w-", "console", "jean", "call me"] {
            #expect(!stdout.output.contains(secret), "the export contains \(secret)")
        }

        let file = root.appendingPathComponent("cases.csv")
        let written = try entraide(["cases", "export", "--since", "2000-01-01", "--output", file.path])
        #expect(written.status == 0)
        #expect(written.output.contains("1 case opened since 2000-01-01 written to"))
        #expect(try String(contentsOf: file, encoding: .utf8) == stdout.output)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        let later = try entraide(["cases", "export", "--since", "2999-01-01"])
        #expect(later.output.components(separatedBy: "\r\n").count == 2)
        for bad in ["01/04/2026", "2026-4-1", "2026-02-30", "yesterday"] {
            let refused = try entraide(["cases", "export", "--since", bad])
            #expect(refused.status != 0)
            #expect(refused.errors.contains("YYYY-MM-DD") && refused.errors.contains(bad), "\(bad): \(refused.errors)")
        }
    }

    /// A misspelt language would silently offer the volunteer no case in it: refused, and nobody is added.
    @Test func aVolunteersLanguagesAreChecked() throws {
        #expect(try entraide(["volunteers", "add", "amina", "--languages", "en,fr"]).status == 0)
        for bad in ["en,xx", "fre", "en,,fr", ""] {
            let refused = try entraide(["volunteers", "add", "bob", "--languages", bad])
            #expect(refused.status != 0, "'\(bad)' accepted: \(refused.output)")
            #expect(refused.errors.contains("--languages"), "\(refused.errors)")
        }
        let stats = try entraide(["cases", "stats", "--as", "bob"])
        #expect(stats.output.hasPrefix("Refused: bob is not an active volunteer"), "\(stats.output)")
        let added = try entraide(["volunteers", "add", "bob", "--languages", " FR, ar ,fr"])
        #expect(added.status == 0, "\(added.errors)")
        #expect(try entraide(["cases", "stats", "--as", "bob"]).status == 0)
    }

    /// A command that did nothing exits non-zero, so a script sees it (they used to exit 0 unless the answer
    /// started with "Refused", and "There is no case #99." did not).
    @Test func aCaseCommandThatDidNothingExitsNonZero() throws {
        try aClaimedCaseWithAWorkerWhoGaveTheirNameAndNumber()
        _ = try entraide(["volunteers", "add", "bruno"])
        for (words, answer) in [
            (["cases", "show", "99", "--as", "amina"], "Refused: there is no case #99."),
            (["cases", "claim", "99", "--as", "amina"], "Refused: there is no case #99."),
            (["cases", "claim", "1", "--as", "bruno"], "Refused: case #1 is already held by amina."),
            (["cases", "answer", "1", "no-such-topic", "--as", "amina"], "Refused: there is no topic"),
        ] {
            let run = try entraide(words)
            #expect(run.status == 1, "\(words): \(run.status) \(run.output)")
            #expect(run.output.hasPrefix(answer), "\(words): \(run.output)")
        }
        let done = try entraide(["cases", "close", "1", "--as", "amina"])
        #expect(done.status == 0, "\(done.output)\(done.errors)")
        let again = try entraide(["cases", "claim", "1", "--as", "bruno"])
        #expect(again.status == 1 && again.output.hasPrefix("Refused: case #1 is closed."), "\(again.output)")
    }

    @Test func statsShowsEveryWeekAskedForAndRefusesAnUnknownAlias() throws {
        try aClaimedCaseWithAWorkerWhoGaveTheirNameAndNumber()
        let stats = try entraide(["cases", "stats", "--as", "amina", "--weeks", "3"])
        #expect(stats.status == 0, "\(stats.errors)")
        #expect(stats.output.hasPrefix("Now: 0 waiting, 1 held by a volunteer."), "\(stats.output)")
        #expect(stats.output.components(separatedBy: "  time to claim: ").count == 4)
        #expect(stats.output.contains("this week so far): 1 case opened"))
        #expect(stats.output.contains("by topic:      human 1"))
        #expect(stats.output.contains("volunteers:    amina claimed 1, closed 0"))
        #expect(!stats.output.contains("w-"))
        let refused = try entraide(["cases", "stats", "--as", "mallory"])
        #expect(refused.status == 1)
        #expect(refused.output.hasPrefix("Refused: mallory is not an active volunteer"))
        #expect(try entraide(["cases", "stats", "--as", "amina", "--weeks", "0"]).errors.contains("--weeks"))
    }
}
