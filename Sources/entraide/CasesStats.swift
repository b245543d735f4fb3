import ArgumentParser
import CaseTracker
import Foundation
import Helpline

extension Cases {
    /// `entraide cases stats --as ALIAS [--weeks N]`: the weekly report, every week in full (IRC's
    /// `!stats` shows the current week only). Figures only, nothing about any worker.
    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cases per ISO week (UTC): opened by topic and language, time to claim and to close, feedback, load per volunteer.",
            discussion: """
                Each figure counts in the week its event happened: a case in the week it opened, a wait in the week of the
                first claim, a time to close and the worker's answer in the week of the close. Medians and 90th
                percentiles are nearest-rank: always a time one case really took.
                """)

        @Option(name: .customLong("as"), help: "Your volunteer alias.")
        var alias: String

        @Option(help: "How many weeks, the current one included (1 to 52).")
        var weeks: Int = 4

        @OptionGroup var common: CommonOptions

        func validate() throws {
            guard (1...52).contains(weeks) else { throw ValidationError("--weeks takes a number of weeks from 1 to 52, got \(weeks)") }
        }

        func run() async throws {
            let configuration = try common.resolve(environment: ProcessInfo.processInfo.environment)
            let store = try configuration.openStore().0
            // The same rule as every volunteer's command: an unknown or revoked alias is refused and audited.
            guard let volunteer = try store.volunteer(alias: alias), volunteer.active else {
                try? store.audit(actor: "unauthenticated:cli", action: "stats", outcome: "denied", detail: "not an authenticated volunteer")
                print("Refused: \(alias) is not an active volunteer (an operator adds one with: entraide volunteers add \(alias)).")
                throw ExitCode(1)
            }
            let report = try store.weeklyReport(weeks: weeks)
            try store.audit(actor: volunteer.alias, action: "stats", outcome: "ok", detail: "\(weeks) weeks")
            for line in CaseReportText.long(report) { print(line) }
        }
    }
}
