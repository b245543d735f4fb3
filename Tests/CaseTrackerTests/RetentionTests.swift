import CaseTracker
import Foundation
import Testing

/// Retention with a moved clock: the store is given "now", nothing sleeps.
@Suite struct RetentionTests {
    let directory: URL
    let store: CaseStore
    let day: TimeInterval = 86_400
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-retention-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try CaseStore(path: directory.appendingPathComponent("r.sqlite").path)
    }

    private func conversation(_ name: String, at date: Date) throws -> String {
        let pseudonym = "w-\(name)"
        _ = try store.receive(InboundMessage(channel: "irc", messageID: name, address: "addr-\(name)", text: "text-\(name)"), pseudonym: pseudonym, at: date)
        let item = try #require(try store.pendingInbox().first { $0.pseudonym == pseudonym })
        try store.complete(item, state: ConversationState(language: "en"), replies: ["reply-\(name)"], at: date)
        for reply in try store.pendingOutbox(channel: "irc") where reply.pseudonym == pseudonym { try store.markDelivered(reply, at: date) }
        return pseudonym
    }

    @Test func nothingOlderThanThePolicyRemainsAndASecondRunErasesNothing() throws {
        let old = try conversation("old", at: start)
        let (closedCase, _) = try store.openCase(
            pseudonym: old, channel: "irc", language: "en", topic: "human", urgent: false, reopenWithin: 0, at: start) { _, _ in [] }
        _ = try store.close(closedCase.id, by: "amina", outcome: "done", followUp: nil, at: start)
        let recent = try conversation("recent", at: start.addingTimeInterval(60 * day))
        let held = try conversation("held", at: start)
        _ = try store.openCase(pseudonym: held, channel: "irc", language: "en", topic: "human", urgent: false, reopenWithin: 0, at: start) { _, _ in [] }

        // +31 days: nothing is past a 90-day policy yet.
        #expect(try store.purge(olderThan: 90 * day, now: start.addingTimeInterval(31 * day)).isEmpty)

        // +91 days: the old conversation and the closed case go; the open case's worker and the
        // recent conversation stay.
        let report = try store.purge(olderThan: 90 * day, now: start.addingTimeInterval(91 * day))
        #expect(report.cases == 1)
        #expect(report.conversations == 1)
        #expect(try store.helplineCase(closedCase.id) == nil)
        #expect(try store.conversation(of: old) == ConversationState())
        #expect(try store.conversation(of: recent).language == "en")
        #expect(try store.activeCase(of: held) != nil)

        // Idempotent.
        #expect(try store.purge(olderThan: 90 * day, now: start.addingTimeInterval(91 * day)).isEmpty)
        let bytes = try Data(contentsOf: directory.appendingPathComponent("r.sqlite"))
        #expect(bytes.range(of: Data("text-old".utf8)) == nil)
        #expect(bytes.range(of: Data("reply-old".utf8)) == nil)
    }

    @Test func anAddressIsKeptOnlyWhileSomethingNeedsIt() throws {
        _ = try conversation("gone", at: start)
        // Replies delivered, nothing pending, no case: the raw address is gone from the store.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM worker_address').fetchone()[0])",
            directory.appendingPathComponent("r.sqlite").path,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let count = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func operatorErasureIsAuditedWithoutContent() throws {
        let pseudonym = try conversation("maria", at: start)
        #expect(try store.erase(pseudonym: pseudonym))
        let record = try #require(try store.auditRecords().last)
        #expect(record.action == "erase" && record.outcome == "ok")
        #expect(!record.detail.contains("maria") && !record.actor.contains(pseudonym))
        #expect(try store.erase(pseudonym: pseudonym) == false)
    }
}
