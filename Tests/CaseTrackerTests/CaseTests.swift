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

    // MARK: The keyed, anchored chain (issue #18, items 5 and 9)

    private static let auditKey = Array("a key kept apart from the database, 32+ bytes".utf8)

    private func keyedStore() throws -> (CaseStore, String) {
        let path = directory.appendingPathComponent("keyed.sqlite").path
        return (try CaseStore(path: path, durability: .normal, auditKey: Self.auditKey), path)
    }

    private func someActions(_ store: CaseStore, worker: String = "w-1") throws -> HelplineCase {
        let found = try store.openCase(
            pseudonym: worker, channel: "irc", language: "es", topic: "human", urgent: false, reopenWithin: 3600
        ) { _, _ in [] }.0
        _ = try store.claim(found.id, by: "amina")
        try store.addNote(to: found.id, by: "amina", text: "called back")
        try store.audit(actor: "unauthenticated:irc", action: "claim", outcome: "denied", detail: "not a volunteer")
        return found
    }

    /// Someone with the database but not the key edits a record and recomputes every link, as the chain's old
    /// scheme would let them (SHA-256 over the fields): it no longer verifies, whether they mark the links keyed
    /// or not. Before, the same rewrite verified as intact.
    @Test(arguments: [1, 0])
    func aChainRecomputedWithoutTheKeyDoesNotVerify(markedKeyed: Int) throws {
        let (store, path) = try keyedStore()
        _ = try someActions(store)
        let clean = try store.verifyAudit()
        #expect(clean.firstBad == nil && clean.unkeyed == 0 && clean.checked >= 3)
        var previous = ""
        for record in try store.auditRecords() {
            let detail = record.outcome == "denied" ? "an edited detail" : record.detail
            let digest = Digest.sha256Hex("detail|" + detail)
            let hash = Digest.sha256Hex(
                [previous, record.at, record.actor, record.action, record.caseID.map(String.init) ?? "", record.outcome, digest]
                    .joined(separator: "|"))
            try sqlite(path, """
                UPDATE audit SET detail = '\(detail)', detail_digest = '\(digest)', previous_hash = '\(previous)',
                hash = '\(hash)', keyed = \(markedKeyed) WHERE id = \(record.id)
                """)
            previous = hash
        }
        let reopened = try CaseStore(path: path, durability: .normal, auditKey: Self.auditKey)
        #expect(try reopened.verifyAudit().firstBad == (try reopened.auditRecords().first?.id))
    }

    /// A removed tail leaves a chain that is whole as far as it goes; the head exported before shows it.
    @Test func aRemovedTailShowsAgainstTheHeadExportedBefore() throws {
        let (store, path) = try keyedStore()
        _ = try someActions(store)
        let early = try #require(try store.auditHead())
        try store.audit(actor: "amina", action: "close", outcome: "ok", detail: "resolved")
        try store.audit(actor: "amina", action: "note", outcome: "ok", detail: "")
        let late = try #require(try store.auditHead())
        #expect(try store.auditContains(head: late.id, hash: late.hash))
        try sqlite(path, "DELETE FROM audit WHERE id > \(early.id)")
        let reopened = try CaseStore(path: path, durability: .normal, auditKey: Self.auditKey)
        #expect(try reopened.verifyAudit().firstBad == nil)  // what is left is a whole chain…
        #expect(try !reopened.auditContains(head: late.id, hash: late.hash))  // …without the head kept elsewhere
        #expect(try reopened.auditContains(head: early.id, hash: early.hash))
    }

    /// What a volunteer typed when closing a worker's case (a phone number, say) goes when the worker says "forget
    /// me"; the chain covers each detail's digest, so it still verifies. Before, the text stayed in the audit log.
    @Test func aVolunteersWordsAboutAWorkerGoWithTheWorker() throws {
        let (store, path) = try keyedStore()
        let worker = "w-forget"
        let found = try someActions(store, worker: worker)
        _ = try store.close(found.id, by: "amina", outcome: "called her on +58 412 555 0199", followUp: nil)
        _ = try store.receive(
            InboundMessage(channel: "irc", messageID: "m-1", address: "nick", text: "forget me"), pseudonym: worker)
        let item = try #require(try store.pendingInbox().first)
        try store.complete(item, state: ConversationState(), replies: ["erased"], eraseWorker: true)
        let verified = try store.verifyAudit()
        #expect(verified.firstBad == nil)
        let details = try store.auditRecords().map(\.detail)
        #expect(verified.erasedDetails == 1, "\(details)")  // the close's words (a note's text is not audited)
        #expect(try store.auditRecords().allSatisfy { !$0.detail.contains("555 0199") })
        // The denied claim of someone else, about no case, keeps its detail.
        #expect(try store.auditRecords().contains { $0.detail == "not a volunteer" })
        // Nor is it left in the file (erased rows are overwritten: secure_delete, then the compaction).
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
        #expect(bytes.range(of: Data("555 0199".utf8)) == nil)
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
