import Foundation
import GRDB
import Testing
@testable import CaseTracker

/// The engine's batch transaction (`CaseStore.processInbox`) against a real SQLite file: a message is handled
/// whole or not at all, and a batch costs one commit.
@Suite struct EngineTransactionTests {
    let directory: URL
    let store: CaseStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-engine-tx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try CaseStore(path: directory.appendingPathComponent("cases.sqlite").path, durability: .full)
    }

    private func receive(_ count: Int, from address: (Int) -> String = { "nick-\($0)" }) throws {
        for number in 1...count {
            _ = try store.receive(
                InboundMessage(channel: "irc", messageID: "m-\(number)", address: address(number), text: "message \(number)"),
                pseudonym: "w-\(address(number))")
        }
    }

    /// What the engine does for an escalated message: open the case, put the words on it, then complete.
    private func escalate(_ item: InboxItem, in transaction: EngineTransaction) throws {
        let (opened, _) = try transaction.openCase(
            pseudonym: item.pseudonym, channel: item.channel, language: "en", topic: "human", urgent: false,
            reopenWithin: 3_600) { _, _ in [] }
        try transaction.appendWorkerMessage(item.text, to: opened.id)
        try transaction.complete(item, state: ConversationState(), replies: ["case #\(opened.id) opened"])
    }

    struct Interrupted: Error {}

    @Test func aMessageInterruptedHalfwayLeavesNothingAndIsHandledOnceAfterwards() throws {
        try receive(3)
        // The third message fails after its case was opened and its words appended, before `complete`: what a
        // crash between those writes did when each was its own transaction (the words went on the case twice
        // on replay, and the "case opened" reply was never sent).
        var calls = 0
        #expect(throws: Interrupted.self) {
            _ = try store.processInbox { transaction, item in
                calls += 1
                let (opened, _) = try transaction.openCase(
                    pseudonym: item.pseudonym, channel: item.channel, language: "en", topic: "human", urgent: false,
                    reopenWithin: 3_600) { _, _ in [] }
                try transaction.appendWorkerMessage(item.text, to: opened.id)
                if item.text == "message 3" { throw Interrupted() }
                try transaction.complete(item, state: ConversationState(), replies: ["case #\(opened.id) opened"])
            }
        }
        #expect(calls == 3)
        // The two before it are committed; of the third, nothing.
        #expect(try store.pendingInbox().map(\.text) == ["message 3"])
        #expect(try store.listCases().count == 2)
        #expect(try store.activeCase(of: "w-nick-3") == nil)

        #expect(try store.processInbox { transaction, item in try escalate(item, in: transaction) } == 1)
        let third = try #require(try store.activeCase(of: "w-nick-3"))
        #expect(try store.events(of: third.id).filter { $0.kind == .workerMessage }.count == 1)
        #expect(try store.pendingOutbox(channel: "irc").map(\.text) == [
            "case #1 opened", "case #2 opened", "case #\(third.id) opened",
        ])
        #expect(try store.processInbox { _, _ in Issue.record("nothing is pending") } == 0)
    }

    @Test func aBatchIsOneCommit() throws {
        try receive(50)
        let commits = CommitCounter()
        try store.database.add(transactionObserver: commits, extent: .observerLifetime)
        let handled = try store.processInbox(limit: 100) { transaction, item in try escalate(item, in: transaction) }
        #expect(handled == 50)
        #expect(commits.count == 1, "50 messages, each opening a case, replying and completing, in one commit")
        #expect(try store.pendingOutbox(channel: "irc").count == 50)
        #expect(try store.processInbox { _, _ in } == 0)
        #expect(commits.count == 1, "nothing pending: nothing written")
    }

    /// IRC stores the messages read at once together: one commit, no cursor, a repeat stored once.
    @Test func messagesThatArriveTogetherAreOneCommit() throws {
        let commits = CommitCounter()
        try store.database.add(transactionObserver: commits, extent: .observerLifetime)
        let batch = (0..<20).map { index in
            BatchMessage(
                message: InboundMessage(channel: "irc", messageID: "together-\(index)", address: "nick\(index % 4)", text: "hello"),
                pseudonym: "w-\(index % 4)", refusal: nil)
        }
        #expect(try store.receive(batch: batch, cursor: nil, channel: "irc") == BatchOutcome(stored: 20, duplicates: 0))
        #expect(commits.count == 1)
        #expect(try store.cursor(of: "irc") == nil, "no cursor where the channel has none")
        #expect(try store.receive(batch: Array(batch.prefix(5)), cursor: nil, channel: "irc") == BatchOutcome(stored: 0, duplicates: 5))
        #expect(try store.processInbox { _, _ in } == 20)
    }

    @Test func whatOneProofConfirmsIsOneCommit() throws {
        try receive(30)
        _ = try store.processInbox { transaction, item in try escalate(item, in: transaction) }
        let sent = try store.pendingOutbox(channel: "irc")
        #expect(sent.count == 30)
        let commits = CommitCounter()
        try store.database.add(transactionObserver: commits, extent: .observerLifetime)
        try store.record(sent.dropLast().map { .delivered($0) } + [.notDelivered(sent[sent.count - 1])])
        #expect(commits.count == 1)
        #expect(try store.pendingOutbox(channel: "irc").map(\.id) == [sent[sent.count - 1].id])
        try store.record([])
        #expect(commits.count == 1, "nothing to record: nothing written")
    }

    /// "Is this worker's address still needed?" runs after every delivery: it must find the pending rows
    /// through the partial indexes, not by walking a worker's whole history.
    @Test func pendingRowsAreFoundThroughPartialIndexes() throws {
        let plans = try store.database.read { db in
            try [
                "SELECT 1 FROM outbox WHERE pseudonym = 'w' AND delivered_at IS NULL",
                "SELECT 1 FROM inbox WHERE pseudonym = 'w' AND processed_at IS NULL",
                "SELECT id FROM inbox WHERE processed_at IS NULL ORDER BY id LIMIT 100",
                "SELECT id FROM outbox WHERE channel = 'irc' AND delivered_at IS NULL ORDER BY id LIMIT 100",
            ].map { sql in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ") }
        }
        #expect(plans[0].contains("outbox_pending_worker"), "\(plans[0])")
        #expect(plans[1].contains("inbox_pending_worker"), "\(plans[1])")
        #expect(plans[2].contains("inbox_pending_rows"), "\(plans[2])")
        #expect(plans[3].contains("outbox_pending_rows"), "\(plans[3])")
    }

    /// Replies to workers who cannot be reached now must not fill the page others' replies are fetched in.
    @Test func heldBackWorkersAreLeftOutOfThePage() throws {
        try receive(12)
        _ = try store.processInbox { transaction, item in try escalate(item, in: transaction) }
        let all = try store.pendingOutbox(channel: "irc", limit: 5)
        #expect(all.count == 5)
        let held = Set(all.map(\.pseudonym))
        let page = try store.pendingOutbox(channel: "irc", limit: 5, excluding: held)
        #expect(page.count == 5)
        #expect(page.allSatisfy { !held.contains($0.pseudonym) })
        #expect(try store.pendingOutbox(channel: "irc", limit: 100, excluding: held).count == 7)
    }

    /// A reply that cannot be delivered is tried again for a day, then removed; its worker's address goes with
    /// the last of their pending rows, as after a delivery.
    @Test func anUndeliverableReplyIsGivenUpAfterADay() throws {
        let asked = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try store.receive(
            InboundMessage(channel: "irc", messageID: "m-1", address: "gone", text: "hello"), pseudonym: "w-gone", at: asked)
        _ = try store.processInbox { transaction, item in
            try transaction.complete(item, state: ConversationState(), replies: ["hi"], at: asked)
        }
        let reply = try #require(try store.pendingOutbox(channel: "irc").first)
        try store.record([.undeliverable(reply)], at: asked.addingTimeInterval(3_600))
        #expect(try store.pendingOutbox(channel: "irc").count == 1, "an hour later: still tried")
        try store.record([.notDelivered(reply)], at: asked.addingTimeInterval(CaseStore.giveUpAfter + 60))
        #expect(try store.pendingOutbox(channel: "irc").count == 1, "a link that failed is no reason to give up")
        try store.record([.undeliverable(reply)], at: asked.addingTimeInterval(CaseStore.giveUpAfter + 60))
        #expect(try store.pendingOutbox(channel: "irc").isEmpty, "a day later: given up")
        let addresses = try store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM worker_address") }
        #expect(addresses == 0, "nothing more is owed to that worker: the address goes")
    }

    /// A batch read together is stored and answered in one commit (`receiveAndProcess`); the engine failing on
    /// one of its messages loses none of them: the ones before are answered, that one and the rest stay pending.
    @Test func aBatchStoredAndAnsweredIsOneCommitAndAFailureLosesNothing() throws {
        let commits = CommitCounter()
        try store.database.add(transactionObserver: commits, extent: .observerLifetime)
        func batch(_ range: Range<Int>) -> [BatchMessage] {
            range.map { index in
                BatchMessage(
                    message: InboundMessage(channel: "irc", messageID: "b-\(index)", address: "nick\(index)", text: "message \(index)"),
                    pseudonym: "w-\(index)")
            }
        }
        let first = try store.receiveAndProcess(batch: batch(0..<10), cursor: nil, channel: "irc") { transaction, item in
            try escalate(item, in: transaction)
        }
        #expect(first.outcome.stored == 10 && first.processed == 10 && first.failure == nil)
        #expect(commits.count == 1, "ten messages stored, each opening a case and answered, in one commit")
        #expect(try store.pendingInbox().isEmpty)
        #expect(try store.pendingOutbox(channel: "irc").count == 10)

        let second = try store.receiveAndProcess(batch: batch(10..<15), cursor: "c-1", channel: "irc") { transaction, item in
            if item.text == "message 12" { throw Interrupted() }
            try escalate(item, in: transaction)
        }
        #expect(second.outcome.stored == 5 && second.processed == 2)
        #expect(second.failure is Interrupted)
        #expect(commits.count == 2)
        #expect(try store.pendingInbox().map(\.text) == ["message 12", "message 13", "message 14"], "stored, not answered")
        #expect(try store.cursor(of: "irc") == "c-1", "the cursor commits with the batch it covers")
        #expect(try store.activeCase(of: "w-12") == nil, "nothing of the failed message's handling is kept")
        #expect(try store.processInbox { transaction, item in try escalate(item, in: transaction) } == 3)
    }

    /// "Forget me" and, in the same page, another message from the same worker: the erasure takes the second
    /// message's row with it, and the second is not handled from the page's stale copy (it would open a case,
    /// and tell volunteers, about a worker who just left).
    @Test func aMessageErasedEarlierInItsPageIsNotHandled() throws {
        try receive(2, from: { _ in "leaving" })
        var handledTexts: [String] = []
        let handled = try store.processInbox { transaction, item in
            handledTexts.append(item.text)
            if item.text == "message 1" {
                try transaction.complete(item, state: ConversationState(), replies: ["erased"], eraseWorker: true)
            } else {
                try escalate(item, in: transaction)
            }
        }
        #expect(handled == 1 && handledTexts == ["message 1"])
        #expect(try store.listCases().isEmpty)
        #expect(try store.pendingInbox().isEmpty)
    }

    @Test func aBatchStopsAtItsLimit() throws {
        try receive(5)
        #expect(try store.processInbox(limit: 2) { transaction, item in try escalate(item, in: transaction) } == 2)
        #expect(try store.pendingInbox().count == 3)
    }
}

/// Counts commits that changed something.
private final class CommitCounter: TransactionObserver, @unchecked Sendable {
    private(set) var count = 0
    private var changed = false
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) { changed = true }
    func databaseDidCommit(_ db: Database) {
        if changed { count += 1 }
        changed = false
    }
    func databaseDidRollback(_ db: Database) { changed = false }
}
