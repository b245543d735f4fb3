import CaseTracker
import Foundation
import Synchronization
import Testing

/// Cases, claims and the audit chain against real SQLite files.
@Suite struct CaseTests {
    let directory: URL
    let store: CaseStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-cases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // NORMAL: these tests commit hundreds of thousands of times; the guarantees under test
        // (atomic claims, the chain) do not depend on fsync.
        store = try CaseStore(path: directory.appendingPathComponent("cases.sqlite").path, durability: .normal)
    }

    private func open(_ pseudonym: String = "w-1", urgent: Bool = false) throws -> HelplineCase {
        try store.openCase(
            pseudonym: pseudonym, channel: "irc", language: "es", topic: "human", urgent: urgent, reopenWithin: 3600
        ) { _, _ in [] }.0
    }

    @Test func aSecondEscalationReusesTheOpenCaseAndUrgencyOnlyGoesUp() throws {
        let first = try open()
        let again = try open(urgent: true)
        #expect(again.id == first.id)
        #expect(again.urgent)
        #expect(try store.listCases().count == 1)
    }

    @Test func aWorkerWritingSoonAfterCloseGetsTheSameCaseBack() throws {
        let first = try open()
        _ = try store.close(first.id, by: "amina", outcome: "done", followUp: nil)
        let reopened = try open()
        #expect(reopened.id == first.id)
        #expect(reopened.status == .open)
    }

    @Test func urgentCasesAreListedFirst() throws {
        _ = try open("w-a")
        let urgent = try open("w-b", urgent: true)
        #expect(try store.listCases().first?.id == urgent.id)
    }

    @Test func onlyTheClaimantMayReplyAndRepliesReachTheOutbox() throws {
        let found = try open()
        _ = try store.claim(found.id, by: "amina")
        #expect(throws: CaseActionRefused.self) { try store.reply(to: found.id, by: "bruno", text: "hi", signed: "[bruno] hi") }
        _ = try store.reply(to: found.id, by: "amina", text: "hi", signed: "[amina] hi")
        #expect(try store.events(of: found.id).map(\.kind).contains(.volunteerReply))
        // The refusal was audited even though the action failed.
        #expect(try store.auditRecords().contains { $0.actor == "bruno" && $0.action == "reply" && $0.outcome == "refused" })
    }

    /// Ten volunteers claim the same case at the same instant, on ten threads, round after round:
    /// exactly one wins each time and the others are told who holds it.
    @Test func tenVolunteersClaimingAtOnceExactlyOneWins() throws {
        let rounds = ProcessInfo.processInfo.environment["ENTRAIDE_LONG_TESTS"] == "1" ? 10_000 : 500
        let store = self.store
        var badRounds = 0
        for round in 0..<rounds {
            let found = try open("w-\(round)")
            let results = Mutex<[ClaimOutcome?]>(Array(repeating: nil, count: 10))
            DispatchQueue.concurrentPerform(iterations: 10) { index in
                let outcome = try? store.claim(found.id, by: "volunteer-\(index)")
                results.withLock { $0[index] = outcome }
            }
            let outcomes = results.withLock { $0 }
            let winners = outcomes.compactMap { outcome -> String? in
                if case .claimed(let held)? = outcome { return held.claimedBy }
                return nil
            }
            let told = outcomes.filter { if case .heldBy(let holder)? = $0 { holder == winners.first } else { false } }.count
            if winners.count != 1 || told != 9 { badRounds += 1 }
        }
        #expect(badRounds == 0, "\(badRounds) of \(rounds) rounds did not have exactly one winner")
    }

    @Test func editingOrRemovingAnAuditRecordIsFound() throws {
        let found = try open()
        _ = try store.claim(found.id, by: "amina")
        try store.addNote(to: found.id, by: "amina", text: "called back")
        try store.audit(actor: "unauthenticated:irc", action: "claim", outcome: "denied", detail: "not a volunteer")
        #expect(try store.verifyAudit().firstBad == nil)

        let path = directory.appendingPathComponent("cases.sqlite").path
        // Someone with the file edits one byte of one record's detail…
        try sqlite(path, "UPDATE audit SET detail = 'Not a volunteer' WHERE action = 'claim' AND outcome = 'denied'")
        let reopened = try CaseStore(path: path)
        let edited = try reopened.verifyAudit()
        #expect(edited.firstBad != nil)
        let target = try reopened.auditRecords().first { $0.outcome == "denied" }?.id
        #expect(edited.firstBad == target)
    }

    @Test func removingAnAuditRecordIsFound() throws {
        let found = try open()
        _ = try store.claim(found.id, by: "amina")
        try store.addNote(to: found.id, by: "amina", text: "x")
        let path = directory.appendingPathComponent("cases.sqlite").path
        let records = try store.auditRecords()
        try sqlite(path, "DELETE FROM audit WHERE id = \(records[0].id)")
        #expect(try CaseStore(path: path).verifyAudit().firstBad == records[1].id)
    }

    /// Writes with the sqlite3 command-line tool, as someone tampering with the file would.
    private func sqlite(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()", path, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
