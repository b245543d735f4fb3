public import Foundation
import GRDB
import Logging

/// What the engine reads and writes while it handles inbox messages, inside one write transaction that
/// `CaseStore.processInbox` opens for a whole batch: everything one message leads to (the worker's words on
/// their case, a case opened and its notices, the conversation, the replies, the message marked processed)
/// commits together or not at all, and a batch costs one commit (one `fdatasync` with durability `full`)
/// instead of several per message.
///
/// The store's own methods of the same names run one of these in a transaction of their own (operators'
/// commands and tests use them); the rules are written once, here.
public struct EngineTransaction {
    let db: Database
    /// Set when a worker was erased: the store compacts once the transaction is committed.
    let erasures: ErasureFlag

    final class ErasureFlag {
        var erased = false
    }

    init(_ db: Database, erasures: ErasureFlag = ErasureFlag()) {
        self.db = db
        self.erasures = erasures
    }

    // MARK: Reads

    /// The worker's open or claimed case, if any; or the last blocked one (blocked workers reach nobody).
    public func activeCase(of pseudonym: String) throws -> HelplineCase? {
        try CaseStore.fetchCase(db, "pseudonym = ? AND (status IN ('open', 'claimed') OR blocked = 1) ORDER BY id DESC", [pseudonym])
    }

    public func conversation(of pseudonym: String) throws -> ConversationState {
        guard let json = try String.fetchOne(db, cached: "SELECT state FROM conversation WHERE pseudonym = ?", arguments: [pseudonym])
        else { return ConversationState() }
        return try ConversationState.fromStoredJSON(json)
    }

    /// The worker's last closed case whose "did this help?" is still unanswered, if the question is the
    /// last thing the helpline said: closed within `window`, and no message from them since but this one.
    public func caseAwaitingFeedback(of pseudonym: String, inboxID: Int64, within window: TimeInterval, now: Date = Date()) throws
        -> HelplineCase?
    {
        guard let found = try CaseStore.fetchCase(
            db, "pseudonym = ? AND status = 'closed' AND blocked = 0 AND feedback IS NULL ORDER BY closed_at DESC", [pseudonym]),
            let closedAt = found.closedAt, now.timeIntervalSince(closedAt) <= window
        else { return nil }
        let since = try Int.fetchOne(
            db, cached: "SELECT COUNT(*) FROM inbox WHERE pseudonym = ? AND received_at > ? AND id < ?",
            arguments: [pseudonym, closedAt.storedText, inboxID]) ?? 0
        return since == 0 ? found : nil
    }

    public func statistics(now: Date = Date()) throws -> CaseStatistics {
        let open = try Int.fetchOne(db, cached: "SELECT COUNT(*) FROM helpline_case WHERE status = 'open'") ?? 0
        let claimed = try Int.fetchOne(db, cached: "SELECT COUNT(*) FROM helpline_case WHERE status = 'claimed'") ?? 0
        let closed = try Int.fetchOne(
            db, cached: "SELECT COUNT(*) FROM helpline_case WHERE status = 'closed' AND closed_at >= ?",
            arguments: [now.addingTimeInterval(-7 * 86_400).storedText]) ?? 0
        let waits = try Row.fetchAll(
            db, cached: "SELECT opened_at, claimed_at FROM helpline_case WHERE claimed_at IS NOT NULL ORDER BY claimed_at DESC LIMIT 20"
        ).map { (row: Row) -> TimeInterval in (row["claimed_at"] as Date).timeIntervalSince(row["opened_at"] as Date) }.sorted()
        return CaseStatistics(
            open: open, claimed: claimed, closedLastWeek: closed, medianTimeToClaim: waits.isEmpty ? nil : waits[waits.count / 2])
    }

    // MARK: Writes

    /// Opens a case for the worker, or returns the one already open or claimed (upgraded to urgent
    /// if need be), or reopens one closed less than `reopenWithin` ago. `announce` writes the
    /// volunteers' notices in the same transaction, once the case number is known.
    public func openCase(
        pseudonym: String, channel: String, language: String, topic: String, urgent: Bool,
        reopenWithin: TimeInterval, at date: Date = Date(),
        announce: (HelplineCase, _ isNew: Bool) -> [Announcement]
    ) throws -> (HelplineCase, isNew: Bool) {
        if var existing = try CaseStore.fetchCase(db, "pseudonym = ? AND status IN ('open', 'claimed')", [pseudonym]) {
            if urgent && !existing.urgent {
                try db.execute(cached: "UPDATE helpline_case SET urgent = 1 WHERE id = ?", arguments: [existing.id])
                existing.urgent = true
                try CaseStore.insertAnnouncements(
                    db, announce(existing, false), key: "case-\(existing.id)-urgent", about: pseudonym, at: date)
            }
            return (existing, false)
        }
        if var closed = try CaseStore.fetchCase(db, "pseudonym = ? AND status = 'closed' AND blocked = 0 ORDER BY id DESC", [pseudonym]),
            let closedAt = closed.closedAt, date.timeIntervalSince(closedAt) < reopenWithin
        {
            try db.execute(
                cached: """
                    UPDATE helpline_case SET status = 'open', claimed_by = NULL, closed_at = NULL, outcome = NULL,
                    urgent = urgent OR ?, opened_at = ?, reminded_at = NULL WHERE id = ?
                    """,
                arguments: [urgent, date.storedText, closed.id])
            closed.status = .open
            closed.claimedBy = nil
            closed.closedAt = nil
            closed.urgent = closed.urgent || urgent
            closed.openedAt = date
            try CaseStore.insertEvent(db, closed.id, .reopened, actor: "bot", text: topic, at: date)
            try CaseStore.insertAnnouncements(
                db, announce(closed, true), key: "case-\(closed.id)-reopened-\(date.timeIntervalSince1970)", about: pseudonym, at: date)
            return (closed, true)
        }
        try db.execute(
            cached: """
                INSERT INTO helpline_case (pseudonym, channel, language, topic, urgent, status, opened_at)
                VALUES (?, ?, ?, ?, ?, 'open', ?)
                """,
            arguments: [pseudonym, channel, language, topic, urgent, date.storedText])
        let id = db.lastInsertedRowID
        try CaseStore.insertEvent(db, id, .opened, actor: "bot", text: topic, at: date)
        let opened = HelplineCase(
            id: id, pseudonym: pseudonym, channel: channel, language: language, topic: topic, urgent: urgent,
            status: .open, claimedBy: nil, blocked: false, outcome: nil, openedAt: date)
        try CaseStore.insertAnnouncements(db, announce(opened, true), key: "case-\(id)-opened", about: pseudonym, at: date)
        return (opened, true)
    }

    /// A worker's message on a claimed case: stored as an event, sent to the claimant, and the inbox message
    /// marked handled. The bot says nothing to the worker.
    public func relayToClaimant(_ item: InboxItem, caseID: Int64, announcements: [Announcement], at date: Date = Date()) throws {
        guard try Bool.fetchOne(db, cached: "SELECT processed_at IS NULL FROM inbox WHERE id = ?", arguments: [item.id]) == true
        else { return }
        try CaseStore.insertEvent(db, caseID, .workerMessage, actor: "worker", text: item.text, at: date)
        try CaseStore.insertAnnouncements(db, announcements, key: "inbox-\(item.id)", about: item.pseudonym, at: date)
        try db.execute(cached: "UPDATE inbox SET processed_at = ? WHERE id = ?", arguments: [date.storedText, item.id])
    }

    /// Adds a worker's message to their open (unclaimed) case, so the claimant can read it on `show`.
    public func appendWorkerMessage(_ text: String, to caseID: Int64, at date: Date = Date()) throws {
        try CaseStore.insertEvent(db, caseID, .workerMessage, actor: "worker", text: text, at: date)
    }

    /// The worker's answer to "did this help?": `yes` or `no`, on the case, as an event and in the audit.
    public func recordFeedback(_ caseID: Int64, answer: String, at date: Date = Date()) throws {
        try db.execute(cached: "UPDATE helpline_case SET feedback = ? WHERE id = ? AND feedback IS NULL", arguments: [answer, caseID])
        guard db.changesCount == 1 else { return }
        try CaseStore.insertEvent(db, caseID, .feedback, actor: "worker", text: answer, at: date)
        try CaseStore.appendAudit(db, actor: "worker", action: "feedback", caseID: caseID, outcome: "ok", detail: answer, at: date)
    }

    /// Records what the engine decided for one inbox message: the new conversation state, the replies (keyed
    /// `inbox-<id>-<n>`, so a repeat after a crash adds nothing) and the message marked processed.
    ///
    /// With `eraseWorker`, everything about the worker goes instead (messages, replies, the conversation) except
    /// the address, kept only until the replies given here are delivered. `announcements` go to volunteers,
    /// about no worker (they outlive an erasure: "the worker of case #4 left", without content).
    public func complete(
        _ item: InboxItem, state: ConversationState, replies: [String], eraseWorker: Bool = false,
        unanswered: UnansweredQuestion? = nil, announcements: [Announcement] = [], at date: Date = Date()
    ) throws {
        let json = state.storedJSON
        let processed = try Bool.fetchOne(db, cached: "SELECT processed_at IS NOT NULL FROM inbox WHERE id = ?", arguments: [item.id])
        // Already done (by a run that crashed after committing), or erased meanwhile.
        guard processed == false else { return }
        if eraseWorker {
            // What volunteers wrote about the worker's cases in the audit log (a `!close` outcome may hold a phone
            // number) goes too; the chain covers each detail's digest, so it still verifies (`verifyAudit`).
            try CaseStore.eraseAuditDetails(db, of: item.pseudonym)
            // The address stays until the confirmation is delivered (see markDelivered).
            for table in CaseStore.tablesAboutAWorker where table != "worker_address" {
                try db.execute(cached: "DELETE FROM \(table) WHERE pseudonym = ?", arguments: [item.pseudonym])
            }
            erasures.erased = true
        } else {
            try db.execute(
                cached: """
                    INSERT INTO conversation (pseudonym, state, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(pseudonym) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                    """,
                arguments: [item.pseudonym, json, date.storedText])
            try db.execute(cached: "UPDATE inbox SET processed_at = ? WHERE id = ?", arguments: [date.storedText, item.id])
            if let unanswered {
                try db.execute(
                    cached: "INSERT INTO unanswered (pseudonym, text, language, decision, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [item.pseudonym, unanswered.text, unanswered.language, unanswered.decision, date.storedText])
            }
        }
        for (index, text) in replies.enumerated() {
            try db.execute(
                cached: """
                    INSERT INTO outbox (key, channel, pseudonym, text, created_at, ends_erasure) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(key) DO NOTHING
                    """,
                arguments: ["inbox-\(item.id)-\(index)", item.channel, item.pseudonym, text, date.storedText,
                            eraseWorker && index == replies.count - 1])
        }
        try CaseStore.insertAnnouncements(db, announcements, key: "inbox-\(item.id)-staff", at: date)
    }
}

extension CaseStore {
    /// Hands the oldest unprocessed inbox messages (at most `limit`) to `handle`, one by one, in one write
    /// transaction. Each message runs in a savepoint: when `handle` throws, that message's writes are undone,
    /// the messages before it commit, and the error is thrown after the commit (the message stays pending and
    /// is handled again on the next call). Returns how many messages were handled; 0 when none was pending.
    public func processInbox(limit: Int = 100, _ handle: (EngineTransaction, InboxItem) throws -> Void) throws -> Int {
        let erasures = EngineTransaction.ErasureFlag()
        var failure: (any Error)?
        let handled = try database.write { db -> Int in
            let (handled, failed) = try Self.process(db, limit: limit, erasures: erasures, handle)
            failure = failed
            return handled
        }
        if erasures.erased { compactAfterErasure() }
        if let failure { throw failure }
        return handled
    }

    /// Up to `limit` pending inbox rows through `handle`, oldest first, each in its own savepoint: a row the engine
    /// fails on is rolled back alone and stops the batch (the rows before it stay handled), and the error is
    /// returned, not thrown, so that the transaction commits what was done.
    static func process(_ db: Database, limit: Int, erasures: EngineTransaction.ErasureFlag,
                        _ handle: (EngineTransaction, InboxItem) throws -> Void) throws -> (Int, (any Error)?) {
        let items = try pendingInbox(db, limit: limit)
        let transaction = EngineTransaction(db, erasures: erasures)
        var handled = 0
        for item in items {
            // A row of this page may be gone: an earlier message of the same worker ("forget me") erased it.
            // Handling it anyway would open a case (and tell volunteers) about a worker who just left.
            guard try Bool.fetchOne(db, cached: "SELECT processed_at IS NULL FROM inbox WHERE id = ?", arguments: [item.id]) == true
            else { continue }
            do {
                try db.inSavepoint {
                    try handle(transaction, item)
                    return .commit
                }
                handled += 1
            } catch {
                return (handled, error)
            }
        }
        return (handled, nil)
    }

    /// An erasure leaves nothing in free pages or the WAL: compacted once it is committed. A failure here is
    /// logged, not thrown: the rows are gone already, and the next compaction takes the pages.
    func compactAfterErasure() {
        do { try compact() } catch { logger.warning("store.compaction_failed", metadata: ["error": "\(error)"]) }
        logger.info("worker.erasing")
    }
}
