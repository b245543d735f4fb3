public import CaseTracker
import Foundation
import IntentMatcher

/// Carries out volunteers' commands on cases, for any channel: who is asking has already been
/// established by the channel (a services account, a login token, access to the server), and
/// `nil` means nobody we know, which is refused and audited.
public struct VolunteerDesk: Sendable {
    private let helpline: Helpline

    public init(helpline: Helpline) {
        self.helpline = helpline
    }

    // MARK: Who is asking (for the channels that establish it)

    /// The active volunteer whose login token this is, or nil (unknown, revoked, or the store unreadable).
    public func volunteer(token: String) -> Volunteer? {
        guard let found = try? helpline.store.volunteer(tokenHash: Digest.sha256Hex(token)), found.active else { return nil }
        return found
    }

    /// The active volunteer with this services account (vouched for by the IRC server), or nil.
    public func volunteer(account: String) -> Volunteer? {
        guard let found = try? helpline.store.volunteer(ircAccount: account), found.active else { return nil }
        return found
    }

    /// The active volunteer with this alias, or nil.
    public func volunteer(alias: String) -> Volunteer? {
        guard let found = try? helpline.store.volunteer(alias: alias), found.active else { return nil }
        return found
    }

    /// A word that is somebody's login token, posted where others read it: the token stops working now. Returns
    /// whose it was, or nil when the word is no token.
    public func revokeLeaked(_ word: some StringProtocol) -> Volunteer? {
        guard Digest.looksLikeToken(word), let found = try? helpline.store.volunteer(tokenHash: Digest.sha256Hex(String(word))) else {
            return nil
        }
        try? helpline.store.revokeToken(of: found.alias, reason: "posted in a channel")
        helpline.presence.forget(alias: found.alias)
        return found
    }

    /// An audit row for what a channel decided about access (logins, refusals). Never a message's text.
    public func audit(actor: String, action: String, outcome: String, detail: String) {
        try? helpline.store.audit(actor: actor, action: action, outcome: outcome, detail: detail)
    }

    /// What an operator may do from the server with `--operator`: hand cases over or back, whoever holds
    /// them (a volunteer who vanished, or was revoked). Talking to workers stays with volunteers.
    static func operatorMay(_ command: VolunteerCommand) -> Bool {
        switch command {
        case .list, .show, .release, .transfer, .stats, .help: true
        default: false
        }
    }

    /// The answer lines for the volunteer. Never the worker's words except on `show`.
    /// `asOperator`: the operator on the server, acting on any case (audited as `operator`).
    public func perform(
        _ command: VolunteerCommand, as volunteer: Volunteer?, via channel: String, sender: String, asOperator: Bool = false
    ) -> [String] {
        let store = helpline.store
        if asOperator {
            guard Self.operatorMay(command) else {
                return ["Refused: with --operator you can list, show, release, transfer and see stats; replies and closes are a volunteer's (--as ALIAS)."]
            }
            return carryOut(command, alias: "operator", channel: channel, override: true)
        }
        guard let volunteer, volunteer.active else {
            // A nick is not an identity: refused, and recorded without the command's text.
            try? store.audit(actor: "unauthenticated:\(channel)", action: Self.verb(command), outcome: "denied", detail: "not an authenticated volunteer")
            guard channel != "cli" else {
                return ["Refused: \(sender) is not an active volunteer (an operator adds one with: entraide volunteers add \(sender))."]
            }
            return ["Refused: you are not logged in as a volunteer. Send me \"login <your token>\" in private first."]
        }
        return carryOut(command, alias: volunteer.alias, channel: channel, override: false)
    }

    private func carryOut(_ command: VolunteerCommand, alias: String, channel: String, override: Bool) -> [String] {
        let store = helpline.store
        do {
            switch command {
            case .help:
                return ["Commands: " + VolunteerCommand.usage]
            case .list(let language):
                try store.audit(actor: alias, action: "list", outcome: "ok", detail: language ?? "")
                let cases = try store.listCases(language: language)
                guard !cases.isEmpty else { return ["No open cases\(language.map { " in \($0)" } ?? "")."] }
                return cases.prefix(15).map { Self.line($0) }
            case .show(let id):
                guard let found = try store.helplineCase(id) else { return ["Refused: there is no case #\(id)."] }
                try store.audit(actor: alias, action: "show", caseID: id, outcome: "ok", detail: "")
                return [Self.line(found)] + (try store.transcript(of: id, limit: Self.transcriptLines)).map(Self.line)
            case .claim(let id):
                switch try store.claim(id, by: alias) {
                case .claimed(let found):
                    helpline.outboxBell(for: found.channel).ring()
                    return [
                        "You hold case #\(id) (\(found.language), \(found.topic)). Read it: show \(id) · write to the worker: reply \(id) your text "
                            + "(here in private; !reply \(id) … in the channel). The worker sees \"\(alias)\", never your nick."
                    ]
                case .heldBy(let other): return ["Refused: case #\(id) is already held by \(other)."]
                case .closed: return ["Refused: case #\(id) is closed."]
                case .notFound: return ["Refused: there is no case #\(id)."]
                }
            case .reply(let id, let text):
                guard let caseID = try id ?? heldCase(by: alias) else {
                    return ["Refused: you hold no case, or several: use reply N text."]
                }
                let found = try store.reply(to: caseID, by: alias, text: text, signed: "[\(alias)] \(text)")
                helpline.outboxBell(for: found.channel).ring()
                return ["Sent to the worker of case #\(caseID)."]
            case .note(let id, let text):
                try store.addNote(to: id, by: alias, text: text)
                return ["Note added to case #\(id) (the worker never sees notes)."]
            case .answer(let id, let intentID):
                return try sendCuratedAnswer(intentID, on: id, by: alias)
            case .release(let id):
                let routing = helpline.volunteers
                let presence = helpline.presence
                let found = try store.release(id, by: alias, override: override) { found in
                    HandoverMessages(
                        toWorker: DeskMessage.released(caseID: found.id, in: Language(rawValue: found.language) ?? .en),
                        announcements: routing.map { [Announcement(channel: $0.channel, target: $0.target, text: CaseNotices.requeued(found, highlight: presence.highlights(for: found)))] } ?? [])
                }
                ringBells(found)
                return ["Case #\(id) is back in the queue and announced again; the worker is told it waits for another volunteer."]
            case .transfer(let id, let other, let force):
                return try transfer(id, to: other, by: alias, force: force || override, override: override, channel: channel)
            case .accept(let id):
                let found = try store.acceptTransfer(id, by: alias) { found, giver in
                    HandoverMessages(
                        toWorker: DeskMessage.transferred(caseID: found.id, to: found.claimedBy ?? alias, in: Language(rawValue: found.language) ?? .en),
                        announcements: Self.toVolunteer(giver, in: helpline.volunteers, "\(found.claimedBy ?? "?") accepted case #\(found.id): it is theirs now."))
                }
                ringBells(found)
                return ["You hold case #\(id) (\(found.language), \(found.topic)). Read it first: show \(id) · then: reply \(id) your text. The worker was told \(alias) takes over."]
            case .decline(let id):
                let found = try store.declineTransfer(id, by: alias) { found in
                    HandoverMessages(announcements: Self.toVolunteer(
                        found.claimedBy ?? "", in: helpline.volunteers, "\(alias) declined case #\(found.id): you still hold it."))
                }
                ringBells(found)
                return ["Declined: case #\(id) stays with \(found.claimedBy ?? "its holder")."]
            case .close(let id, let outcome):
                let language = Language(rawValue: try store.helplineCase(id)?.language ?? "en") ?? .en
                let closed = try store.close(
                    id, by: alias, outcome: outcome, followUp: SystemMessage.feedbackQuestion.text(in: language))
                helpline.outboxBell(for: closed.channel).ring()
                return ["Case #\(id) closed. The worker is asked whether it helped."]
            case .block(let id):
                _ = try store.close(id, by: alias, outcome: "blocked", block: true, followUp: nil)
                return ["Case #\(id) closed and blocked: this worker's messages will no longer reach volunteers."]
            case .stats:
                // This week only, in a few lines: the weeks before are `entraide cases stats` on the server.
                let report = try store.weeklyReport(weeks: 1)
                try store.audit(actor: alias, action: "stats", outcome: "ok", detail: "")
                return CaseReportText.short(report)
            }
        } catch let refusal as CaseActionRefused {
            return ["Refused: \(refusal)."]
        } catch {
            return [Self.serverFailure]
        }
    }

    /// Revokes a volunteer (the operator, on the server): their login ends, the cases they hold go back
    /// to the queue and are announced again, their workers are told. Returns the cases released.
    @discardableResult
    public func revoke(_ alias: String) throws -> [Int64] {
        let routing = helpline.volunteers
        let presence = helpline.presence
        let released = try helpline.store.revokeVolunteer(alias: alias) { found in
            HandoverMessages(
                toWorker: DeskMessage.released(caseID: found.id, in: Language(rawValue: found.language) ?? .en),
                announcements: routing.map {
                    [Announcement(channel: $0.channel, target: $0.target, text: CaseNotices.requeued(found, highlight: presence.highlights(for: found)))]
                } ?? [])
        }
        presence.forget(alias: alias)
        return released
    }

    /// Lines of `show`: enough to catch up on a case over IRC without a flood (pacing is one line a second).
    static let transcriptLines = 30

    /// An offer the receiver accepts, unless forced (or by an operator): refused to a volunteer who is not
    /// logged in or does not answer in the case's language, since the worker would wait for nobody.
    private func transfer(_ id: Int64, to other: String, by alias: String, force: Bool, override: Bool, channel: String) throws -> [String] {
        let store = helpline.store
        guard let found = try store.helplineCase(id) else { return ["Refused: there is no case #\(id)."] }
        guard let receiver = try store.volunteer(alias: other), receiver.active else {
            return ["Refused: there is no active volunteer called \(other)."]
        }
        if !force {
            // On the server (`cases`) the bot's IRC presence is not visible: only the language is checked there.
            if channel != "cli", helpline.volunteers != nil, helpline.presence.nick(of: other) == nil {
                return ["Refused: \(other) is not logged in, so the worker would wait for nobody. Pick someone connected, or: transfer \(id) \(other) force"]
            }
            guard receiver.languages.contains(found.language) else {
                return ["Refused: \(other) does not answer in \(found.language). Pick someone who does, or: transfer \(id) \(other) force"]
            }
        }
        let routing = helpline.volunteers
        let minutes = Int(helpline.policy.transferAcceptWithin / 60)
        if force {
            let moved = try store.transfer(id, from: alias, to: other, override: override) { found in
                HandoverMessages(
                    toWorker: DeskMessage.transferred(caseID: found.id, to: other, in: Language(rawValue: found.language) ?? .en),
                    announcements: Self.toVolunteer(other, in: routing, "\(alias) handed you case #\(found.id) [\(found.language)] \(found.topic). Read it: show \(found.id)"))
            }
            ringBells(moved)
            return ["Case #\(id) is now held by \(other); they and the worker are told."]
        }
        let offered = try store.offerTransfer(id, from: alias, to: other) { found in
            HandoverMessages(announcements: Self.toVolunteer(
                other, in: routing,
                "\(alias) offers you case #\(found.id) [\(found.language)] \(found.topic). Take it: accept \(found.id) · or: decline \(found.id) "
                    + "(lapses in \(minutes) min, then the case goes back to the queue). Read it first: show \(found.id)"))
        }
        ringBells(offered)
        return ["Case #\(id) offered to \(other); you keep it until they accept (\(minutes) min at most, then it goes back to the queue)."]
    }

    /// The curated answer of a topic, in the worker's language, signed by the volunteer: what the bot
    /// would have said, sent by a person who judged it right for this worker.
    private func sendCuratedAnswer(_ intentID: String, on id: Int64, by alias: String) throws -> [String] {
        let store = helpline.store
        guard let found = try store.helplineCase(id) else { return ["Refused: there is no case #\(id)."] }
        let answers = helpline.library.snapshot.answers
        guard let intent = answers[intentID] else {
            let topics = answers.intents.keys.sorted().joined(separator: " ")
            return ["Refused: there is no topic \"\(intentID)\". Topics: \(topics)"]
        }
        let language = Language(rawValue: found.language) ?? .en
        guard let (answer, answered) = intent.answer(in: language) else { return ["Refused: topic \(intentID) has no answer to send."] }
        let text = [answer.short, answer.more].compactMap { $0 }.joined(separator: "\n")
        let replied = try store.reply(to: id, by: alias, text: text, signed: "[\(alias)] \(text)")
        helpline.outboxBell(for: replied.channel).ring()
        let note = answered == language ? "" : " (it has no \(language.rawValue) text yet: sent in \(answered.rawValue))"
        return ["Sent the \(intentID) answer to the worker of case #\(id)\(note)."]
    }

    /// A private message to one volunteer, resolved to their nick when it is sent (see VolunteerRouting).
    static func toVolunteer(_ alias: String, in routing: VolunteerRouting?, _ text: String) -> [Announcement] {
        guard let routing, !alias.isEmpty else { return [] }
        return [Announcement(channel: routing.channel, target: VolunteerRouting.target(forVolunteer: alias), text: text)]
    }

    private func ringBells(_ found: HelplineCase) {
        helpline.outboxBell(for: found.channel).ring()
        if let routing = helpline.volunteers { helpline.outboxBell(for: routing.channel).ring() }
    }

    static let serverFailure = "Something went wrong on the server; nothing was changed. Try again, or tell the operator."

    /// Whether a command's answer says it did nothing: every refusal starts with "Refused", and the server's own
    /// failure has one sentence. The command line exits non-zero on these (one rule for both).
    public static func didNothing(_ lines: [String]) -> Bool {
        guard let first = lines.first else { return false }
        return first.hasPrefix("Refused") || first == serverFailure
    }

    static func line(_ entry: TranscriptLine) -> String {
        let time = entry.at.formatted(.dateTime.hour(.twoDigits(amPM: .omitted)).minute(.twoDigits))
        // One IRC line per entry: a menu's line breaks become slashes.
        let text = entry.text.split(whereSeparator: \.isNewline).joined(separator: " / ")
        switch (entry.speaker, entry.kind) {
        case (.worker, .message): return "  \(time) worker: \(text)"
        case (.bot, .message): return "  \(time) bot: \(text)"
        case (.volunteer(let alias), .message): return "  \(time) \(alias): \(text)"
        case (.volunteer(let alias), .note): return "  \(time) note by \(alias): \(text)"
        case (.volunteer(let alias), _): return "  \(time) — \(text) (\(alias))"
        default: return "  \(time) — \(text)"
        }
    }

    private func heldCase(by alias: String) throws -> Int64? {
        let held = try helpline.store.listCases().filter { $0.status == .claimed && $0.claimedBy == alias }
        return held.count == 1 ? held[0].id : nil
    }

    static func line(_ found: HelplineCase) -> String {
        let age = Int(Date().timeIntervalSince(found.openedAt) / 60)
        var holder = found.claimedBy.map { "held by \($0)" } ?? "unclaimed"
        if let offered = found.offeredTo { holder += ", offered to \(offered)" }
        return "#\(found.id) \(found.urgent ? "URGENT " : "")[\(found.language)] \(found.topic) · \(found.pseudonym) · \(age) min · \(holder)"
    }

    static func verb(_ command: VolunteerCommand) -> String {
        switch command {
        case .list: "list"
        case .show: "show"
        case .claim: "claim"
        case .reply: "reply"
        case .note: "note"
        case .release: "release"
        case .transfer: "transfer"
        case .accept: "accept"
        case .decline: "decline"
        case .answer: "answer"
        case .close: "close"
        case .block: "block"
        case .stats: "stats"
        case .help: "help"
        }
    }
}
