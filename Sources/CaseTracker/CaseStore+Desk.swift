public import Foundation
import GRDB

/// What the volunteer desk needs beyond claiming and replying: announcements that failed, tokens
/// that leaked, transfers that wait for their receiver, the worker's feedback, transcripts.
extension CaseStore {
    // MARK: Announcements that did not arrive

    /// The server refused it for now (the bot not in the channel, 404): kept, tried again later.
    public func recordAnnouncementAttempt(_ id: Int64) throws {
        try record([.announcementNotDelivered(id)])
    }

    /// It can never arrive (the volunteer it was for is no longer logged in): set aside, not
    /// delivered, so it blocks nothing and no one else gets it. What it said is in the case.
    public func failAnnouncement(_ id: Int64, reason: String, at date: Date = Date()) throws {
        try record([.announcementUndeliverable(id, reason: reason)], at: date)
    }

    // MARK: Tokens

    /// A token seen where others could read it (pasted in the channel) stops working at once.
    public func revokeToken(of alias: String, reason: String, at date: Date = Date()) throws {
        try database.write { db in
            try db.execute(cached: "UPDATE volunteer SET token_hash = NULL WHERE alias = ?", arguments: [alias])
            try Self.appendAudit(db, actor: "bot", action: "token.revoke", caseID: nil, outcome: "ok", detail: "\(alias): \(reason)", at: date)
        }
    }
}

/// What a hand-over says, written by the caller (who knows the languages) from the case as it is
/// inside the transaction: to the worker, and to volunteers.
public struct HandoverMessages: Sendable {
    public var toWorker: String?
    public var announcements: [Announcement]

    public init(toWorker: String? = nil, announcements: [Announcement] = []) {
        self.toWorker = toWorker
        self.announcements = announcements
    }
}

extension CaseStore {
    // MARK: Hand-overs

    /// Gives a case back to the queue: its claimant, or an operator (`override`) whoever holds it.
    /// The worker hears that their request waits; the volunteers hear of the case again.
    public func release(
        _ caseID: Int64, by actor: String, override: Bool = false, at date: Date = Date(),
        messages: @escaping @Sendable (HelplineCase) -> HandoverMessages = { _ in HandoverMessages() }
    ) throws -> HelplineCase {
        try act { (db: Database) -> Result<HelplineCase, CaseActionRefused> in
            var current: HelplineCase
            switch try Self.holder(db, caseID, actor, override: override, action: "release", at: date) {
            case .success(let found): current = found
            case .failure(let refusal): return .failure(refusal)
            }
            let previous = current.claimedBy ?? "?"
            try Self.requeue(db, &current, actor: actor, at: date)
            try Self.sendHandover(db, messages(current), for: current, key: "released", at: date)
            try Self.appendAudit(
                db, actor: actor, action: "release", caseID: caseID, outcome: "ok",
                detail: override ? "operator override; was held by \(previous)" : "", at: date)
            return .success(current)
        }
    }

    /// Offers a held case to another volunteer, who must accept it; until then the giver keeps it.
    public func offerTransfer(
        _ caseID: Int64, from alias: String, to other: String, override: Bool = false, at date: Date = Date(),
        messages: @escaping @Sendable (HelplineCase) -> HandoverMessages
    ) throws -> HelplineCase {
        try act { (db: Database) -> Result<HelplineCase, CaseActionRefused> in
            var current: HelplineCase
            switch try Self.holder(db, caseID, alias, override: override, action: "transfer", at: date) {
            case .success(let found): current = found
            case .failure(let refusal): return .failure(refusal)
            }
            if let refusal = try Self.checkReceiver(db, other, of: current, by: alias, at: date) { return .failure(refusal) }
            try db.execute(cached: "UPDATE helpline_case SET offered_to = ?, offered_at = ? WHERE id = ?", arguments: [other, date.storedText, caseID])
            current.offeredTo = other
            current.offeredAt = date
            try Self.insertEvent(db, caseID, .transfer, actor: alias, text: "offered to \(other)", at: date)
            try Self.sendHandover(db, messages(current), for: current, key: "offer-\(other)", at: date)
            try Self.appendAudit(db, actor: alias, action: "transfer.offer", caseID: caseID, outcome: "ok", detail: "to \(other)", at: date)
            return .success(current)
        }
    }

    /// Hands a case over at once (forced by its holder, or by an operator): no acceptance asked.
    public func transfer(
        _ caseID: Int64, from alias: String, to other: String, override: Bool = false, at date: Date = Date(),
        messages: @escaping @Sendable (HelplineCase) -> HandoverMessages = { _ in HandoverMessages() }
    ) throws -> HelplineCase {
        try act { (db: Database) -> Result<HelplineCase, CaseActionRefused> in
            var current: HelplineCase
            switch try Self.holder(db, caseID, alias, override: override, action: "transfer", at: date) {
            case .success(let found): current = found
            case .failure(let refusal): return .failure(refusal)
            }
            if let refusal = try Self.checkReceiver(db, other, of: current, by: alias, at: date) { return .failure(refusal) }
            try Self.handTo(db, &current, other, from: alias, at: date)
            try Self.sendHandover(db, messages(current), for: current, key: "transfer-\(other)", at: date)
            try Self.appendAudit(
                db, actor: alias, action: "transfer", caseID: caseID, outcome: "ok",
                detail: override ? "operator override; to \(other)" : "to \(other)", at: date)
            return .success(current)
        }
    }

    /// The receiver of an offer takes the case.
    public func acceptTransfer(
        _ caseID: Int64, by alias: String, at date: Date = Date(),
        messages: @escaping @Sendable (HelplineCase, _ giver: String) -> HandoverMessages
    ) throws -> HelplineCase {
        try act { (db: Database) -> Result<HelplineCase, CaseActionRefused> in
            guard var current = try Self.fetchCase(db, "id = ?", [caseID]), current.status == .claimed, current.offeredTo == alias else {
                try Self.appendAudit(db, actor: alias, action: "transfer.accept", caseID: caseID, outcome: "refused", detail: "no offer", at: date)
                return .failure(CaseActionRefused("case #\(caseID) is not offered to you"))
            }
            let giver = current.claimedBy ?? "?"
            try Self.handTo(db, &current, alias, from: giver, at: date)
            try Self.sendHandover(db, messages(current, giver), for: current, key: "accepted-\(alias)", at: date)
            try Self.appendAudit(db, actor: alias, action: "transfer.accept", caseID: caseID, outcome: "ok", detail: "from \(giver)", at: date)
            return .success(current)
        }
    }

    /// The receiver of an offer says no: the giver keeps the case and hears it.
    public func declineTransfer(
        _ caseID: Int64, by alias: String, at date: Date = Date(),
        messages: @escaping @Sendable (HelplineCase) -> HandoverMessages
    ) throws -> HelplineCase {
        try act { (db: Database) -> Result<HelplineCase, CaseActionRefused> in
            guard var current = try Self.fetchCase(db, "id = ?", [caseID]), current.status == .claimed, current.offeredTo == alias else {
                try Self.appendAudit(db, actor: alias, action: "transfer.decline", caseID: caseID, outcome: "refused", detail: "no offer", at: date)
                return .failure(CaseActionRefused("case #\(caseID) is not offered to you"))
            }
            try db.execute(cached: "UPDATE helpline_case SET offered_to = NULL, offered_at = NULL WHERE id = ?", arguments: [caseID])
            current.offeredTo = nil
            current.offeredAt = nil
            try Self.insertEvent(db, caseID, .transfer, actor: alias, text: "declined", at: date)
            try Self.sendHandover(db, messages(current), for: current, key: "declined-\(alias)", at: date)
            try Self.appendAudit(db, actor: alias, action: "transfer.decline", caseID: caseID, outcome: "ok", detail: "", at: date)
            return .success(current)
        }
    }

    /// Offers nobody accepted in time go back to the queue, as a release would (the giver may have
    /// stepped away expecting the receiver to take over).
    public func expireTransferOffers(
        olderThan limit: TimeInterval, now date: Date = Date(),
        messages: @escaping @Sendable (HelplineCase, _ giver: String, _ receiver: String) -> HandoverMessages
    ) throws -> [Int64] {
        try database.write { db in
            let due = try CaseRow.fetchAll(
                db,
                cached: """
                    SELECT \(CaseRow.columns) FROM helpline_case
                    WHERE status = 'claimed' AND offered_to IS NOT NULL AND offered_at <= ?
                    """,
                arguments: [date.addingTimeInterval(-limit).storedText]
            ).map(\.found)
            for var found in due {
                let (giver, receiver) = (found.claimedBy ?? "?", found.offeredTo ?? "?")
                try Self.requeue(db, &found, actor: "bot", at: date)
                try Self.sendHandover(db, messages(found, giver, receiver), for: found, key: "offer-expired", at: date)
                try Self.appendAudit(
                    db, actor: "bot", action: "transfer.expired", caseID: found.id, outcome: "ok", detail: "\(giver) to \(receiver)", at: date)
            }
            return due.map(\.id)
        }
    }

    /// Revokes a volunteer: their token and account stop working, the cases they hold go back to the
    /// queue (announced again, their workers told), offers to them lapse; all audited, in one transaction.
    @discardableResult
    public func revokeVolunteer(
        alias: String, at date: Date = Date(),
        messages: @escaping @Sendable (HelplineCase) -> HandoverMessages = { _ in HandoverMessages() }
    ) throws -> [Int64] {
        try act { (db: Database) -> Result<[Int64], CaseActionRefused> in
            try db.execute(
                cached: "UPDATE volunteer SET revoked_at = COALESCE(revoked_at, ?), token_hash = NULL WHERE alias = ?",
                arguments: [date.storedText, alias])
            guard db.changesCount == 1 else { return .failure(CaseActionRefused("there is no volunteer called \(alias)")) }
            try Self.appendAudit(db, actor: "operator", action: "volunteer.revoke", caseID: nil, outcome: "ok", detail: alias, at: date)
            try db.execute(cached: "UPDATE helpline_case SET offered_to = NULL, offered_at = NULL WHERE offered_to = ?", arguments: [alias])
            let held = try CaseRow.fetchAll(
                db, cached: "SELECT \(CaseRow.columns) FROM helpline_case WHERE status = 'claimed' AND claimed_by = ?",
                arguments: [alias]
            ).map(\.found)
            for var found in held {
                try Self.requeue(db, &found, actor: "operator", at: date)
                try Self.sendHandover(db, messages(found), for: found, key: "revoked-\(alias)", at: date)
                try Self.appendAudit(
                    db, actor: "operator", action: "release", caseID: found.id, outcome: "ok", detail: "\(alias) revoked", at: date)
            }
            return .success(held.map(\.id))
        }
    }

    // MARK: Helpers (inside a transaction)

    /// The case if `actor` holds it, or any open or claimed case for an operator.
    private static func holder(
        _ db: Database, _ caseID: Int64, _ actor: String, override: Bool, action: String, at date: Date
    ) throws -> Result<HelplineCase, CaseActionRefused> {
        guard override else { return try requireClaimant(db, caseID, actor, action: action, at: date) }
        guard let current = try fetchCase(db, "id = ?", [caseID]), current.status != .closed else {
            try appendAudit(db, actor: actor, action: action, caseID: caseID, outcome: "refused", detail: "not open", at: date)
            return .failure(CaseActionRefused("case #\(caseID) is not open"))
        }
        return .success(current)
    }

    private static func checkReceiver(
        _ db: Database, _ other: String, of current: HelplineCase, by alias: String, at date: Date
    ) throws -> CaseActionRefused? {
        guard try Bool.fetchOne(
            db, cached: "SELECT EXISTS(SELECT 1 FROM volunteer WHERE alias = ? AND revoked_at IS NULL)", arguments: [other]) == true
        else {
            try appendAudit(db, actor: alias, action: "transfer", caseID: current.id, outcome: "refused", detail: "unknown volunteer", at: date)
            return CaseActionRefused("there is no active volunteer called \(other)")
        }
        guard other != current.claimedBy else { return CaseActionRefused("\(other) already holds case #\(current.id)") }
        return nil
    }

    private static func requeue(_ db: Database, _ found: inout HelplineCase, actor: String, at date: Date) throws {
        try db.execute(
            cached: """
                UPDATE helpline_case SET status = 'open', claimed_by = NULL, claimed_at = NULL, reminded_at = NULL,
                offered_to = NULL, offered_at = NULL WHERE id = ?
                """,
            arguments: [found.id])
        try insertEvent(db, found.id, .release, actor: actor, text: nil, at: date)
        found.status = .open
        found.claimedBy = nil
        found.claimedAt = nil
        found.offeredTo = nil
        found.offeredAt = nil
    }

    private static func handTo(_ db: Database, _ found: inout HelplineCase, _ other: String, from giver: String, at date: Date) throws {
        try db.execute(
            cached: "UPDATE helpline_case SET status = 'claimed', claimed_by = ?, offered_to = NULL, offered_at = NULL WHERE id = ?",
            arguments: [other, found.id])
        try insertEvent(db, found.id, .transfer, actor: giver, text: other, at: date)
        found.status = .claimed
        found.claimedBy = other
        found.offeredTo = nil
        found.offeredAt = nil
    }

    private static func sendHandover(_ db: Database, _ messages: HandoverMessages, for found: HelplineCase, key: String, at date: Date) throws {
        let stamp = "case-\(found.id)-\(key)-\(Int(date.timeIntervalSince1970 * 1000))"
        if let text = messages.toWorker {
            try db.execute(
                cached: "INSERT INTO outbox (key, channel, pseudonym, text, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING",
                arguments: [stamp, found.channel, found.pseudonym, text, date.storedText])
        }
        try insertAnnouncements(db, messages.announcements, key: stamp, about: found.pseudonym, at: date)
    }
}

/// One line of a case's transcript, as a volunteer reads it on `show`.
public struct TranscriptLine: Sendable, Equatable {
    public enum Speaker: Sendable, Equatable {
        case worker
        /// The helpline's own answers, before and while the case waited.
        case bot
        case volunteer(String)
    }

    public enum Kind: String, Sendable {
        case message, note, event
    }

    public var at: Date
    public var speaker: Speaker
    public var kind: Kind
    public var text: String
}

extension CaseStore {
    // MARK: Feedback

    /// The worker's last closed case whose "did this help?" is still unanswered, if the question is the
    /// last thing the helpline said: closed within `window`, and no message from them since but this one.
    public func caseAwaitingFeedback(of pseudonym: String, inboxID: Int64, within window: TimeInterval, now: Date = Date()) throws -> HelplineCase? {
        try database.read { db in
            try EngineTransaction(db).caseAwaitingFeedback(of: pseudonym, inboxID: inboxID, within: window, now: now)
        }
    }

    /// The worker's answer to "did this help?": `yes` or `no`, on the case, as an event and in the audit.
    public func recordFeedback(_ caseID: Int64, answer: String, at date: Date = Date()) throws {
        try database.write { db in try EngineTransaction(db).recordFeedback(caseID, answer: answer, at: date) }
    }

    // MARK: Transcript

    /// The case as a volunteer needs it: what the worker wrote and the bot answered before the case
    /// opened (the day before, at most), then everything on the case — the worker's messages, the bot's
    /// check-ins, volunteers' replies and notes, claims and hand-overs. The last `limit` lines.
    public func transcript(of caseID: Int64, limit: Int = 30) throws -> [TranscriptLine] {
        try database.read { db in
            guard let found = try Self.fetchCase(db, "id = ?", [caseID]) else { return [] }
            let firstOpened = try Date.fetchOne(
                db, cached: "SELECT MIN(created_at) FROM case_event WHERE case_id = ? AND kind = 'opened'", arguments: [caseID]) ?? found.openedAt
            let since = firstOpened.addingTimeInterval(-86_400)
            var lines: [(order: Int, line: TranscriptLine)] = []
            // Before the case: the worker's own messages from the inbox (after, they are case events).
            for row in try Row.fetchAll(
                db, cached: "SELECT text, received_at FROM inbox WHERE pseudonym = ? AND received_at >= ? AND received_at < ? ORDER BY id",
                arguments: [found.pseudonym, since, firstOpened])
            {
                lines.append((0, TranscriptLine(at: row["received_at"], speaker: .worker, kind: .message, text: row["text"])))
            }
            // What the bot said, all along (volunteers' replies are case events, not repeated here).
            for row in try Row.fetchAll(
                db, cached: "SELECT text, created_at FROM outbox WHERE pseudonym = ? AND created_at >= ? AND key NOT LIKE 'case-%-event-%' ORDER BY id",
                arguments: [found.pseudonym, since])
            {
                lines.append((1, TranscriptLine(at: row["created_at"], speaker: .bot, kind: .message, text: row["text"])))
            }
            for event in try Self.events(db, of: caseID) {
                let (kind, actor, text, at) = (event.kind, event.actor, event.text, event.at)
                switch kind {
                case .workerMessage:
                    lines.append((2, TranscriptLine(at: at, speaker: .worker, kind: .message, text: text ?? "")))
                case .volunteerReply:
                    lines.append((2, TranscriptLine(at: at, speaker: .volunteer(actor), kind: .message, text: text ?? "")))
                case .note:
                    lines.append((2, TranscriptLine(at: at, speaker: .volunteer(actor), kind: .note, text: text ?? "")))
                default:
                    let what = [kind.rawValue, text].compactMap { $0 }.joined(separator: " ")
                    lines.append((2, TranscriptLine(
                        at: at, speaker: actor == "bot" || actor == "worker" ? (actor == "bot" ? .bot : .worker) : .volunteer(actor),
                        kind: .event, text: what)))
                }
            }
            // In time order; at the same instant the worker speaks first, then the bot, then the case.
            let ordered = lines.enumerated().sorted {
                ($0.element.line.at, $0.element.order, $0.offset) < ($1.element.line.at, $1.element.order, $1.offset)
            }
            return ordered.suffix(limit).map(\.element.line)
        }
    }
}
