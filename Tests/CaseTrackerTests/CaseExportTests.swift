import CaseTracker
import Foundation
import GRDB
import Testing

/// `entraide cases export`'s CSV from a real store whose workers said things that must never leave it.
@Suite struct CaseExportTests {
    static let at = CaseReportTests.at

    @Test func theCSVHasTheCasesSinceTheDayAndNothingTheWorkersSaidOrWhoTheyAre() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("export.sqlite").path
        let store = try CaseStore(path: path, durability: .normal)
        try store.addVolunteer(alias: "amina", languages: ["es"], ircAccount: nil, tokenHash: nil)
        let words = "me llamo Maria Lopez, mi número es +34 612 345 678"
        func open(_ pseudonym: String, _ language: String, _ topic: String, urgent: Bool, at date: Date) throws -> HelplineCase {
            _ = try store.receive(
                InboundMessage(channel: "sms", messageID: "\(pseudonym)-1", address: "+34612345678", text: words),
                pseudonym: pseudonym, at: date)
            return try store.openCase(
                pseudonym: pseudonym, channel: "sms", language: language, topic: topic, urgent: urgent, reopenWithin: 0, at: date
            ) { _, _ in [] }.0
        }

        // The day before: not exported.
        _ = try open("w-00000000000000aa", "en", "pay", urgent: false, at: Self.at("2026-03-31 23:59"))
        // From midnight on the day: exported, with the worker's words in its events and a close outcome that repeats them.
        let spoken = try open("w-00000000000000bb", "es", "human", urgent: false, at: Self.at("2026-04-01 00:00"))
        try store.appendWorkerMessage(words, to: spoken.id, at: Self.at("2026-04-01 00:01"))
        _ = try store.claim(spoken.id, by: "amina", at: Self.at("2026-04-01 00:07"))
        _ = try store.reply(to: spoken.id, by: "amina", text: "Hola Maria", signed: "[amina] Hola Maria", at: Self.at("2026-04-01 00:08"))
        _ = try store.close(
            spoken.id, by: "amina", outcome: "Maria Lopez (+34 612 345 678) got paid", followUp: "¿Te ayudó?",
            at: Self.at("2026-04-01 01:30"))
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE helpline_case SET feedback = 'yes' WHERE id = ?", arguments: [spoken.id])
        }
        // An urgent case still waiting, after two check-ins.
        var urgent = try open("w-00000000000000cc", "fr", "crisis", urgent: true, at: Self.at("2026-04-02 10:00"))
        try store.recordCheckIn(urgent, text: "Nous sommes là.", announcements: [], at: Self.at("2026-04-02 10:10"))
        urgent.checkins = 1
        try store.recordCheckIn(urgent, text: "Nous sommes là.", announcements: [], at: Self.at("2026-04-02 10:20"))

        let csv = CaseExport.csv(try store.caseFacts(openedSince: Self.at("2026-04-01 00:00")))
        #expect(
            csv == """
                id,opened_at,language,topic,urgent,status,claimed_by,claimed_at,closed_at,minutes_to_claim,minutes_to_close,feedback,checkins\r
                2,2026-04-01T00:00:00Z,es,human,0,closed,amina,2026-04-01T00:07:00Z,2026-04-01T01:30:00Z,7,90,yes,0\r
                3,2026-04-02T10:00:00Z,fr,crisis,1,open,,,,,,,2\r

                """)
        for secret in ["Maria", "Lopez", "612", "+34", "w-0", "sms", "paid", "Hola", "ayud", "Nous"] {
            #expect(!csv.contains(secret), "the export contains \(secret)")
        }
    }

    @Test func fieldsAreQuotedAsRFC4180Says() throws {
        let odd = CaseFacts(
            id: 1, status: .open, language: "en", topic: "a,\"b\"\r\nc", openedAt: Date(timeIntervalSince1970: 0), claimedBy: "plain")
        let lines = CaseExport.csv([odd]).components(separatedBy: "\r\n")
        #expect(lines[1] == "1,1970-01-01T00:00:00Z,en,\"a,\"\"b\"\"")
        #expect(lines[2] == "c\",0,open,plain,,,,,,0")
        #expect(lines.count == 4 && lines[3].isEmpty)
    }
}
