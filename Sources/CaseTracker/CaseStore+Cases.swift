public import Foundation
import GRDB

/// Cases, their events, volunteers and announcements. Every change and its audit record are one
/// transaction: an action is either done and audited, or neither.
extension CaseStore {
    // MARK: Opening and finding cases

    /// Opens a case for the worker, or returns the one already open or claimed (upgraded to urgent
    /// if need be), or reopens one closed less than `reopenWithin` ago. `announce` writes the
    /// volunteers' notices in the same transaction, once the case number is known.
    public func openCase(
        pseudonym: String, channel: String, language: String, topic: String, urgent: Bool,
        reopenWithin: TimeInterval, at date: Date = Date(),
        announce: @Sendable (HelplineCase, _ isNew: Bool) -> [Announcement]
    ) throws -> (HelplineCase, isNew: Bool) {
        try database.write { db in
            try EngineTransaction(db).openCase(
                pseudonym: pseudonym, channel: channel, language: language, topic: topic, urgent: urgent,
                reopenWithin: reopenWithin, at: date, announce: announce)
        }
    }

    /// The worker's open or claimed case, if any; or the last blocked one (blocked workers reach nobody).
    public func activeCase(of pseudonym: String) throws -> HelplineCase? {
        try database.read { db in try EngineTransaction(db).activeCase(of: pseudonym) }
    }

    public func helplineCase(_ id: Int64) throws -> HelplineCase? {
        try database.read { db in try Self.fetchCase(db, "id = ?", [id]) }
    }

    /// Open and claimed cases, urgent first, then oldest first; optionally in one language.
    public func listCases(language: String? = nil) throws -> [HelplineCase] {
        try database.read { db in
            var sql = "SELECT \(CaseRow.columns) FROM helpline_case WHERE status IN ('open', 'claimed')"
            var arguments: StatementArguments = []
            if let language {
                sql += " AND language = ?"
                arguments += [language]
            }
            sql += " ORDER BY urgent DESC, status = 'claimed', opened_at ASC"
            return try CaseRow.fetchAll(db, cached: sql, arguments: arguments).map(\.found)
        }
    }

    public func events(of caseID: Int64) throws -> [CaseEvent] {
        try database.read { db in try Self.events(db, of: caseID) }
    }

    static func events(_ db: Database, of caseID: Int64) throws -> [CaseEvent] {
        try CaseEventRow.fetchAll(
            db, cached: "SELECT \(CaseEventRow.columns) FROM case_event WHERE case_id = ? ORDER BY id", arguments: [caseID]
        ).map(\.event)
    }

    // MARK: Volunteers' actions

    /// Claims an open case. One statement decides, so of many volunteers claiming at the same
    /// instant exactly one wins; the others learn who holds it.
    public func claim(_ caseID: Int64, by alias: String, at date: Date = Date()) throws -> ClaimOutcome {
        try database.write { db in
            try db.execute(
                cached: "UPDATE helpline_case SET status = 'claimed', claimed_by = ?, claimed_at = ? WHERE id = ? AND status = 'open'",
                arguments: [alias, date.storedText, caseID])
            if db.changesCount == 1 {
                try Self.insertEvent(db, caseID, .claim, actor: alias, text: nil, at: date)
                try Self.appendAudit(db, actor: alias, action: "claim", caseID: caseID, outcome: "ok", detail: "", at: date)
                return .claimed(try Self.fetchCase(db, "id = ?", [caseID])!)
            }
            guard let current = try Self.fetchCase(db, "id = ?", [caseID]) else {
                try Self.appendAudit(db, actor: alias, action: "claim", caseID: caseID, outcome: "refused", detail: "no such case", at: date)
                return .notFound
            }
            let outcome: ClaimOutcome = current.status == .closed ? .closed : .heldBy(current.claimedBy ?? "?")
            try Self.appendAudit(db, actor: alias, action: "claim", caseID: caseID, outcome: "refused", detail: "\(current.status.rawValue)", at: date)
            return outcome
        }
    }

    /// A volunteer's reply: stored as an event and put in the worker's outbox, signed with the alias.
    public func reply(
        to caseID: Int64, by alias: String, text: String, signed: String, at date: Date = Date()
    ) throws -> HelplineCase {
        try act { (db: Database) -> Result<HelplineCase, CaseActionRefused> in
            let current: HelplineCase
            switch try Self.requireClaimant(db, caseID, alias, action: "reply", at: date) {
            case .success(let found): current = found
            case .failure(let refusal): return .failure(refusal)
            }
            try Self.insertEvent(db, caseID, .volunteerReply, actor: alias, text: text, at: date)
            let eventID = db.lastInsertedRowID
            try db.execute(
                cached: "INSERT INTO outbox (key, channel, pseudonym, text, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING",
                arguments: ["case-\(caseID)-event-\(eventID)", current.channel, current.pseudonym, signed, date.storedText])
            try Self.appendAudit(db, actor: alias, action: "reply", caseID: caseID, outcome: "ok", detail: "", at: date)
            return .success(current)
        }
    }

    public func addNote(to caseID: Int64, by alias: String, text: String, at date: Date = Date()) throws {
        try act { (db: Database) -> Result<Void, CaseActionRefused> in
            guard try Self.fetchCase(db, "id = ?", [caseID]) != nil else {
                try Self.appendAudit(db, actor: alias, action: "note", caseID: caseID, outcome: "refused", detail: "no such case", at: date)
                return .failure(CaseActionRefused("there is no case #\(caseID)"))
            }
            try Self.insertEvent(db, caseID, .note, actor: alias, text: text, at: date)
            try Self.appendAudit(db, actor: alias, action: "note", caseID: caseID, outcome: "ok", detail: "", at: date)
            return .success(())
        }
    }

    /// Closes a case (its claimant, or anyone while it is unclaimed). `followUp` goes to the worker.
    public func close(
        _ caseID: Int64, by alias: String, outcome: String?, block: Bool = false, followUp: String?, at date: Date = Date()
    ) throws -> HelplineCase {
        try act { (db: Database) -> Result<HelplineCase, CaseActionRefused> in
            guard var current = try Self.fetchCase(db, "id = ?", [caseID]), current.status != .closed else {
                try Self.appendAudit(db, actor: alias, action: block ? "block" : "close", caseID: caseID, outcome: "refused", detail: "not open", at: date)
                return .failure(CaseActionRefused("case #\(caseID) is not open"))
            }
            if current.status == .claimed && current.claimedBy != alias {
                try Self.appendAudit(db, actor: alias, action: block ? "block" : "close", caseID: caseID, outcome: "refused", detail: "held by another", at: date)
                return .failure(CaseActionRefused("case #\(caseID) is held by \(current.claimedBy ?? "?")"))
            }
            try db.execute(
                cached: "UPDATE helpline_case SET status = 'closed', closed_at = ?, outcome = ?, blocked = blocked OR ? WHERE id = ?",
                arguments: [date.storedText, outcome, block, caseID])
            try Self.insertEvent(db, caseID, block ? .block : .close, actor: alias, text: outcome, at: date)
            if let followUp, !block {
                try db.execute(
                    cached: "INSERT INTO outbox (key, channel, pseudonym, text, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING",
                    arguments: ["case-\(caseID)-closed-\(Int(date.timeIntervalSince1970))", current.channel, current.pseudonym, followUp, date.storedText])
            }
            try Self.appendAudit(db, actor: alias, action: block ? "block" : "close", caseID: caseID, outcome: "ok", detail: outcome ?? "", at: date)
            current.status = .closed
            current.blocked = current.blocked || block
            current.closedAt = date
            return .success(current)
        }
    }

    /// A worker's message on a claimed case: stored as an event, sent to the claimant, and the
    /// inbox message marked handled, in one transaction. The bot says nothing to the worker.
    public func relayToClaimant(
        _ item: InboxItem, caseID: Int64, announcements: [Announcement], at date: Date = Date()
    ) throws {
        try database.write { db in
            try EngineTransaction(db).relayToClaimant(item, caseID: caseID, announcements: announcements, at: date)
        }
    }

    /// Adds a worker's message to their open (unclaimed) case, so the claimant can read it on `show`.
    public func appendWorkerMessage(_ text: String, to caseID: Int64, at date: Date = Date()) throws {
        try database.write { db in try EngineTransaction(db).appendWorkerMessage(text, to: caseID, at: date) }
    }

    /// Cases open and unclaimed for longer than their delay since opening or the last reminder.
    public func casesToRemind(now: Date, normalAfter: TimeInterval, urgentAfter: TimeInterval) throws -> [HelplineCase] {
        try database.read { db in
            try CaseRow.fetchAll(db, cached: "SELECT \(CaseRow.columns) FROM helpline_case WHERE status = 'open'").map(\.found).filter {
                let since = $0.remindedAt ?? $0.openedAt
                return now.timeIntervalSince(since) >= ($0.urgent ? urgentAfter : normalAfter)
            }
        }
    }

    public func markReminded(_ caseID: Int64, announcements: [Announcement], at date: Date = Date()) throws {
        try database.write { db in
            try db.execute(cached: "UPDATE helpline_case SET reminded_at = ? WHERE id = ?", arguments: [date.storedText, caseID])
            try Self.insertAnnouncements(db, announcements, key: "case-\(caseID)-reminder-\(Int(date.timeIntervalSince1970))", at: date)
        }
    }

    // MARK: Urgent cases that wait

    /// Urgent cases still open and unclaimed whose worker is due a check-in: `every` after the case opened
    /// or after the last check-in, at most `maximum` in all.
    public func casesToCheckIn(now: Date, every: TimeInterval, maximum: Int) throws -> [HelplineCase] {
        try database.read { db in
            try CaseRow.fetchAll(db, cached: "SELECT \(CaseRow.columns) FROM helpline_case WHERE status = 'open' AND urgent = 1 AND blocked = 0")
                .map(\.found).filter {
                    $0.checkins < maximum && now.timeIntervalSince($0.checkedInAt ?? $0.openedAt) >= every
                }
        }
    }

    /// A check-in to the worker (keyed by case and number: a repeat adds nothing) and the volunteers' louder
    /// reminders, in one transaction.
    public func recordCheckIn(_ found: HelplineCase, text: String, announcements: [Announcement], at date: Date = Date()) throws {
        let number = found.checkins + 1
        try database.write { db in
            try db.execute(
                cached: "INSERT INTO outbox (key, channel, pseudonym, text, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING",
                arguments: ["case-\(found.id)-checkin-\(number)", found.channel, found.pseudonym, text, date.storedText])
            try db.execute(
                cached: "UPDATE helpline_case SET checkins = ?, checked_in_at = ?, reminded_at = ? WHERE id = ?",
                arguments: [number, date.storedText, date.storedText, found.id])
            try Self.insertAnnouncements(db, announcements, key: "case-\(found.id)-checkin-\(number)", at: date)
        }
    }

    /// Urgent cases nobody has claimed for longer than `limit`: what the health endpoint reports.
    public func urgentUnclaimed(longerThan limit: TimeInterval, now: Date = Date()) throws -> [HelplineCase] {
        try database.read { db in
            try CaseRow.fetchAll(db, cached: "SELECT \(CaseRow.columns) FROM helpline_case WHERE status = 'open' AND urgent = 1 AND blocked = 0")
                .map(\.found).filter { now.timeIntervalSince($0.openedAt) > limit }
        }
    }

    public func statistics(now: Date = Date()) throws -> CaseStatistics {
        try database.read { db in try EngineTransaction(db).statistics(now: now) }
    }

    // MARK: Volunteers

    public func addVolunteer(alias: String, languages: [String], ircAccount: String?, tokenHash: String?, at date: Date = Date()) throws {
        try database.write { db in
            try db.execute(
                cached: """
                    INSERT INTO volunteer (alias, languages, irc_account, token_hash, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(alias) DO UPDATE SET languages = excluded.languages, irc_account = excluded.irc_account,
                    token_hash = excluded.token_hash, revoked_at = NULL
                    """,
                arguments: [alias, languages.joined(separator: ","), ircAccount, tokenHash, date.storedText])
            try Self.appendAudit(db, actor: "operator", action: "volunteer.add", caseID: nil, outcome: "ok", detail: alias, at: date)
        }
    }

    public func volunteer(alias: String) throws -> Volunteer? {
        try database.read { db in try Self.fetchVolunteer(db, "alias = ?", [alias]) }
    }

    public func volunteer(ircAccount: String) throws -> Volunteer? {
        try database.read { db in try Self.fetchVolunteer(db, "irc_account = ? AND revoked_at IS NULL", [ircAccount]) }
    }

    public func volunteer(tokenHash: String) throws -> Volunteer? {
        try database.read { db in try Self.fetchVolunteer(db, "token_hash = ? AND revoked_at IS NULL", [tokenHash]) }
    }

    // MARK: Announcements

    public func pendingAnnouncements(channel: String, limit: Int = 100) throws -> [PendingAnnouncement] {
        try database.read { db in
            try PendingAnnouncementRow.fetchAll(
                db,
                cached: """
                    SELECT \(PendingAnnouncementRow.columns) FROM announcement
                    WHERE channel = ? AND delivered_at IS NULL AND failed_reason IS NULL ORDER BY id LIMIT ?
                    """,
                arguments: [channel, limit]
            ).map(\.announcement)
        }
    }

    public func markAnnouncementDelivered(_ id: Int64, at date: Date = Date()) throws {
        try record([.announcementDelivered(id)], at: date)
    }

    // MARK: Audit

    /// Records an action (or a refusal) that changed nothing else, such as a denied command.
    public func audit(actor: String, action: String, caseID: Int64? = nil, outcome: String, detail: String, at date: Date = Date()) throws {
        try database.write { db in
            try Self.appendAudit(db, actor: actor, action: action, caseID: caseID, outcome: outcome, detail: detail, at: date)
        }
    }

    public func auditRecords() throws -> [AuditRecord] {
        try database.read { db in
            try AuditRow.fetchAll(db, cached: "SELECT \(AuditRow.columns) FROM audit ORDER BY id").map(\.record)
        }
    }

    /// What walking the chain found.
    public struct AuditVerification: Sendable, Equatable {
        public var checked: Int
        /// The first record that does not fit: edited, removed (its successor's link breaks), or linked without the
        /// key after keyed records (rewritten by someone without it).
        public var firstBad: Int64?
        /// Records whose detail was erased with the worker it was about (the chain covers its digest).
        public var erasedDetails = 0
        /// Records written before the chain was keyed (their links are plain SHA-256).
        public var unkeyed = 0
        /// Keyed records this store cannot check, for want of the key.
        public var needingKey = 0
    }

    /// Walks the chain. An edited record breaks its own link; a removed one breaks the next record's. Keyed
    /// links are checked with this store's key; a chain recomputed without it does not verify. A removed tail
    /// shows only against a head exported earlier (`auditHead`, `entraide audit head`).
    public func verifyAudit() throws -> AuditVerification {
        let records = try auditRecords()
        var result = AuditVerification(checked: records.count)
        var previous = ""
        var sawKeyed = false
        for record in records {
            let fits: Bool
            if let digest = record.detailDigest {
                if record.keyed {
                    sawKeyed = true
                } else if sawKeyed || auditKey != nil {
                    // An unkeyed link where the store has a key: written by someone without it (every command that
                    // writes opens the store with the key, `openStore`), so rewritten.
                    result.firstBad = record.id
                    return result
                } else {
                    result.unkeyed += 1
                }
                guard !record.keyed || auditKey != nil else {
                    result.needingKey += 1
                    previous = record.hash
                    continue
                }
                let key = record.keyed ? auditKey : nil
                let detailFits = record.detail.isEmpty || digest == Self.auditLink(AuditRecord.detailPayload(record.detail), key: key)
                if record.detail.isEmpty && digest != Self.auditLink(AuditRecord.detailPayload(""), key: key) {
                    result.erasedDetails += 1
                }
                let payload = AuditRecord.linkPayload(
                    previous: record.previousHash, at: record.at, actor: record.actor, action: record.action,
                    caseID: record.caseID, outcome: record.outcome, detailDigest: digest)
                fits = detailFits && record.hash == Self.auditLink(payload, key: key)
            } else {
                guard !sawKeyed else {
                    result.firstBad = record.id
                    return result
                }
                result.unkeyed += 1
                fits = record.hash == record.expectedHash
            }
            guard record.previousHash == previous, fits else {
                result.firstBad = record.id
                return result
            }
            previous = record.hash
        }
        return result
    }

    /// The last record's id and link, for an operator to keep elsewhere: `auditContains(head:hash:)` then tells whether
    /// the log's tail was removed or rewritten since.
    public func auditHead() throws -> (id: Int64, hash: String)? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").map { ($0["id"], $0["hash"]) }
        }
    }

    /// Whether the record a head exported earlier names is still there with the same link.
    public func auditContains(head id: Int64, hash: String) throws -> Bool {
        try database.read { db in
            try String.fetchOne(db, sql: "SELECT hash FROM audit WHERE id = ?", arguments: [id]) == hash
        }
    }

    // MARK: Helpers (inside a transaction)

    static func appendAudit(
        _ db: Database, actor: String, action: String, caseID: Int64?, outcome: String, detail: String, at date: Date
    ) throws {
        let previous = try String.fetchOne(db, cached: "SELECT hash FROM audit ORDER BY id DESC LIMIT 1") ?? ""
        let at = Self.auditTimestamp(date)
        // The links come from the connection's `audit_link` (keyed when the store has the audit key).
        guard let digest = try String.fetchOne(db, cached: "SELECT audit_link(?)", arguments: [AuditRecord.detailPayload(detail)]),
              let hash = try String.fetchOne(
                db, cached: "SELECT audit_link(?)",
                arguments: [AuditRecord.linkPayload(
                    previous: previous, at: at, actor: actor, action: action, caseID: caseID, outcome: outcome,
                    detailDigest: digest)])
        else { throw StoreError("the audit chain's link could not be computed") }
        try db.execute(
            cached: """
                INSERT INTO audit (at, actor, action, case_id, outcome, detail, previous_hash, hash, detail_digest, keyed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, audit_keyed())
                """,
            arguments: [at, actor, action, caseID, outcome, detail, previous, hash, digest])
    }

    /// Erases the details of the audit records about `pseudonym`'s cases (those written with a digest; older
    /// ones are part of their link and stay). Run before the cases themselves are deleted.
    static func eraseAuditDetails(_ db: Database, of pseudonym: String) throws {
        try db.execute(
            cached: """
                UPDATE audit SET detail = '' WHERE detail_digest IS NOT NULL AND detail != ''
                    AND case_id IN (SELECT id FROM helpline_case WHERE pseudonym = ?)
                """,
            arguments: [pseudonym])
    }

    static func auditTimestamp(_ date: Date) -> String {
        String(format: "%.3f", date.timeIntervalSince1970)
    }

    /// The case, if `alias` holds it; otherwise the refusal, already audited.
    static func requireClaimant(
        _ db: Database, _ caseID: Int64, _ alias: String, action: String, at date: Date
    ) throws -> Result<HelplineCase, CaseActionRefused> {
        guard let current = try fetchCase(db, "id = ?", [caseID]) else {
            try appendAudit(db, actor: alias, action: action, caseID: caseID, outcome: "refused", detail: "no such case", at: date)
            return .failure(CaseActionRefused("there is no case #\(caseID)"))
        }
        guard current.status == .claimed, current.claimedBy == alias else {
            try appendAudit(db, actor: alias, action: action, caseID: caseID, outcome: "refused", detail: "not the claimant", at: date)
            return .failure(
                CaseActionRefused(
                    current.status == .claimed
                        ? "case #\(caseID) is held by \(current.claimedBy ?? "?")"
                        : "claim case #\(caseID) first (it is \(current.status.rawValue))"))
        }
        return .success(current)
    }

    /// Runs a volunteer's action in one transaction. A refusal is returned from inside (so that its
    /// audit record commits) and thrown outside.
    func act<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> Result<T, CaseActionRefused>) throws -> T {
        try database.write(body).get()
    }

    static func insertEvent(_ db: Database, _ caseID: Int64, _ kind: CaseEvent.Kind, actor: String, text: String?, at date: Date) throws {
        try db.execute(
            cached: "INSERT INTO case_event (case_id, kind, actor, text, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [caseID, kind.rawValue, actor, text, date.storedText])
    }

    /// `about`: the worker an announcement concerns, so that "forget me" erases it too.
    static func insertAnnouncements(
        _ db: Database, _ announcements: [Announcement], key: String, about pseudonym: String? = nil, at date: Date
    ) throws {
        for (index, announcement) in announcements.enumerated() {
            try db.execute(
                cached: """
                    INSERT INTO announcement (key, channel, target, text, pseudonym, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(key) DO NOTHING
                    """,
                arguments: ["\(key)-\(index)", announcement.channel, announcement.target, announcement.text, pseudonym, date.storedText])
        }
    }

    static func fetchCase(_ db: Database, _ condition: String, _ arguments: StatementArguments) throws -> HelplineCase? {
        try CaseRow.fetchOne(db, cached: "SELECT \(CaseRow.columns) FROM helpline_case WHERE \(condition) LIMIT 1", arguments: arguments)?.found
    }

    private static func fetchVolunteer(_ db: Database, _ condition: String, _ arguments: StatementArguments) throws -> Volunteer? {
        try VolunteerRow.fetchOne(db, cached: "SELECT \(VolunteerRow.columns) FROM volunteer WHERE \(condition)", arguments: arguments)?
            .volunteer
    }
}
