public import CaseTracker
public import Foundation
import Synchronization

/// When cases reopen and when unclaimed ones are announced again.
public struct CasePolicy: Sendable {
    /// A worker who writes again this soon after their case closed gets the same case back.
    public var reopenWithin: TimeInterval
    /// An unclaimed case is announced again after this long…
    public var remindAfter: TimeInterval
    /// …and an urgent one much sooner.
    public var remindUrgentAfter: TimeInterval

    public init(reopenWithin: TimeInterval = 72 * 3600, remindAfter: TimeInterval = 15 * 60, remindUrgentAfter: TimeInterval = 2 * 60) {
        self.reopenWithin = reopenWithin
        self.remindAfter = remindAfter
        self.remindUrgentAfter = remindUrgentAfter
    }
}

/// Where volunteers are told about cases: a channel (`irc`) and a target on it (`#entraide-volunteers`).
public struct VolunteerRouting: Sendable {
    public var channel: String
    public var target: String

    public init(channel: String, target: String) {
        self.channel = channel
        self.target = target
    }
}

/// The nick each logged-in volunteer has now. In memory only: a login lasts as long as the
/// connection and the nick (a nick change or a quit ends it).
public final class VolunteerPresence: Sendable {
    private let nicks = Mutex<[String: String]>([:])

    public init() {}

    public func nick(of alias: String) -> String? { nicks.withLock { $0[alias] } }

    public func alias(of nick: String) -> String? {
        nicks.withLock { table in table.first { $0.value == nick }?.key }
    }

    public func bind(alias: String, to nick: String) { nicks.withLock { $0[alias] = nick } }

    public func forget(nick: String) { nicks.withLock { table in table = table.filter { $0.value != nick } } }

    public func forgetAll() { nicks.withLock { $0.removeAll() } }
}

/// What volunteers read about cases. English: the volunteers' common language here; the case's
/// language is in every line. Never the worker's words in a channel.
public enum CaseNotices {
    public static func opened(_ found: HelplineCase, isNew: Bool) -> String {
        let what = isNew ? (found.status == .open && found.claimedBy == nil ? "New case" : "Case") : "Case now URGENT:"
        return "\(found.urgent ? "URGENT " : "")\(what) #\(found.id) [\(found.language)] topic \(found.topic). "
            + "Claim it: !claim \(found.id) · read it: !show \(found.id)"
    }

    public static func reminder(_ found: HelplineCase, now: Date = Date()) -> String {
        let minutes = Int(now.timeIntervalSince(found.openedAt) / 60)
        return "\(found.urgent ? "URGENT " : "")Reminder: case #\(found.id) [\(found.language)] \(found.topic) has waited \(minutes) min unclaimed. !claim \(found.id)"
    }
}
