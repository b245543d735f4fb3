import ArgumentParser
import CaseTracker
import Foundation

extension Cases {
    /// `entraide cases export --since YYYY-MM-DD [--output FILE]`: cases as CSV for the operators' own
    /// figures. Only what `CaseFacts` holds: never a pseudonym, a channel, an address or any words.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cases opened since a day, as CSV (times, language, topic, status, volunteer, feedback); nothing about workers.",
            discussion: """
                Columns: \(CaseExport.columns.joined(separator: ", ")). Times are ISO 8601 in UTC; claimed_at is the
                first claim since the case opened; minutes are rounded; an empty field means not yet, or no answer.
                """)

        @Option(help: "The first day, as YYYY-MM-DD (from 00:00 UTC that day).")
        var since: String

        @Option(help: "Write the CSV to this file (mode 0600, replaced if it exists) instead of standard output.")
        var output: String?

        @OptionGroup var common: CommonOptions

        func validate() throws {
            _ = try Self.day(since)
        }

        func run() async throws {
            let from = try Self.day(since)
            let configuration = try common.resolve(environment: ProcessInfo.processInfo.environment)
            let store = try configuration.openStore().0
            let cases = try store.caseFacts(openedSince: from)
            let csv = CaseExport.csv(cases)
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(csv.utf8), attributes: [.posixPermissions: 0o600])
                else { throw ValidationError("cannot write \(output): check that its directory exists and is writable") }
            } else {
                print(csv, terminator: "")
            }
            try store.audit(actor: "operator", action: "export", outcome: "ok", detail: "since \(since): \(cases.count) cases")
            if let output { print("\(cases.count == 1 ? "1 case" : "\(cases.count) cases") opened since \(since) written to \(output)") }
        }

        /// Midnight UTC of a real calendar day written YYYY-MM-DD; anything else is refused with the form expected.
        static func day(_ text: String) throws -> Date {
            let refusal = ValidationError("--since takes a day as YYYY-MM-DD, for example 2026-04-01 (got '\(text)')")
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard text.count == 10, parts.count == 3, parts.map(\.count) == [4, 2, 2],
                parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
            else { throw refusal }
            let calendar = WeeklyCaseReport.calendar
            // Foundation rolls 2026-02-30 over to March: a day that does not round-trip does not exist.
            guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)) else { throw refusal }
            let back = calendar.dateComponents([.year, .month, .day], from: date)
            guard back.year == year, back.month == month, back.day == day else { throw refusal }
            return date
        }
    }
}
