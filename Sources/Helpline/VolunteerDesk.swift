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

    /// The answer lines for the volunteer. Never the worker's words except on `show`.
    public func perform(_ command: VolunteerCommand, as volunteer: Volunteer?, via channel: String, sender: String) -> [String] {
        let store = helpline.store
        guard let volunteer, volunteer.active else {
            // A nick is not an identity: refused, and recorded without the command's text.
            try? store.audit(actor: "unauthenticated:\(channel)", action: Self.verb(command), outcome: "denied", detail: "not an authenticated volunteer")
            guard channel != "cli" else {
                return ["Refused: \(sender) is not an active volunteer (an operator adds one with: entraide volunteers add \(sender))."]
            }
            return ["Refused: you are not logged in as a volunteer. Send me \"login <your token>\" in private first."]
        }
        let alias = volunteer.alias
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
                guard let found = try store.helplineCase(id) else { return ["There is no case #\(id)."] }
                try store.audit(actor: alias, action: "show", caseID: id, outcome: "ok", detail: "")
                let events = try store.events(of: id).suffix(12)
                return [Self.line(found)] + events.compactMap { event in
                    guard let text = event.text else { return "  \(event.kind.rawValue) by \(event.actor)" }
                    return "  \(event.kind.rawValue) (\(event.actor)): \(text)"
                }
            case .claim(let id):
                switch try store.claim(id, by: alias) {
                case .claimed(let found):
                    helpline.outboxBell(for: found.channel).ring()
                    return ["You hold case #\(id) (\(found.language), \(found.topic)). Reply with: reply \(id) your text — the worker sees \"\(alias)\", never your nick."]
                case .heldBy(let other): return ["Case #\(id) is already held by \(other)."]
                case .closed: return ["Case #\(id) is closed."]
                case .notFound: return ["There is no case #\(id)."]
                }
            case .reply(let id, let text):
                guard let caseID = try id ?? heldCase(by: alias) else {
                    return ["You hold no case, or several: use reply N text."]
                }
                let found = try store.reply(to: caseID, by: alias, text: text, signed: "[\(alias)] \(text)")
                helpline.outboxBell(for: found.channel).ring()
                return ["Sent to the worker of case #\(caseID)."]
            case .note(let id, let text):
                try store.addNote(to: id, by: alias, text: text)
                return ["Note added to case #\(id) (the worker never sees notes)."]
            case .release(let id):
                try store.release(id, by: alias)
                return ["Case #\(id) is open again for others."]
            case .transfer(let id, let other):
                try store.transfer(id, from: alias, to: other)
                return ["Case #\(id) is now held by \(other)."]
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
            return ["Something went wrong on the server; nothing was changed. Try again, or tell the operator."]
        }
    }

    private func heldCase(by alias: String) throws -> Int64? {
        let held = try helpline.store.listCases().filter { $0.status == .claimed && $0.claimedBy == alias }
        return held.count == 1 ? held[0].id : nil
    }

    static func line(_ found: HelplineCase) -> String {
        let age = Int(Date().timeIntervalSince(found.openedAt) / 60)
        let holder = found.claimedBy.map { "held by \($0)" } ?? "unclaimed"
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
        case .close: "close"
        case .block: "block"
        case .stats: "stats"
        case .help: "help"
        }
    }
}
