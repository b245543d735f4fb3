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
    /// While an urgent case waits unclaimed, the worker hears from the helpline this often…
    public var checkInEvery: TimeInterval
    /// …this many times at most.
    public var checkInMaximum: Int
    /// An urgent case unclaimed for longer than this makes the health endpoint fail.
    public var urgentUnclaimedLimit: TimeInterval

    public init(
        reopenWithin: TimeInterval = 72 * 3600, remindAfter: TimeInterval = 15 * 60, remindUrgentAfter: TimeInterval = 2 * 60,
        checkInEvery: TimeInterval = 10 * 60, checkInMaximum: Int = 3, urgentUnclaimedLimit: TimeInterval = 15 * 60
    ) {
        self.reopenWithin = reopenWithin
        self.remindAfter = remindAfter
        self.remindUrgentAfter = remindUrgentAfter
        self.checkInEvery = checkInEvery
        self.checkInMaximum = checkInMaximum
        self.urgentUnclaimedLimit = urgentUnclaimedLimit
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
    private let table = Mutex<[String: String]>([:])

    public init() {}

    public func nick(of alias: String) -> String? { table.withLock { $0[alias] } }

    public func alias(of nick: String) -> String? {
        table.withLock { table in table.first { $0.value == nick }?.key }
    }

    public func bind(alias: String, to nick: String) { table.withLock { $0[alias] = nick } }

    public func forget(nick: String) { table.withLock { table in table = table.filter { $0.value != nick } } }

    public func forgetAll() { table.withLock { $0.removeAll() } }

    /// The nicks of every logged-in volunteer, for urgent reminders by private message.
    public var nicks: [String] { table.withLock { Array($0.values).sorted() } }
}

/// What volunteers read about cases. English: the volunteers' common language here; the case's
/// language is in every line. Never the worker's words in a channel.
public enum CaseNotices {
    public static func opened(_ found: HelplineCase, isNew: Bool) -> String {
        let what = isNew ? (found.status == .open && found.claimedBy == nil ? "New case" : "Case") : "Case now URGENT:"
        return "\(found.urgent ? "URGENT " : "")\(what) #\(found.id) [\(found.language)] topic \(found.topic). "
            + "Claim it: !claim \(found.id) · read it: !show \(found.id)"
    }

    /// Louder, while an urgent case waits: said in the channel and to each logged-in volunteer.
    public static func urgentWaiting(_ found: HelplineCase, now: Date = Date()) -> String {
        let minutes = Int(now.timeIntervalSince(found.openedAt) / 60)
        return "URGENT, STILL UNCLAIMED after \(minutes) min: case #\(found.id) [\(found.language)] \(found.topic). "
            + "The worker may be in danger. !claim \(found.id) · !show \(found.id)"
    }

    /// To the claimant: the worker of a case held by them wrote something that may be a crisis.
    public static func crisisOnClaimedCase(_ found: HelplineCase, claimantConnected: Bool) -> String {
        claimantConnected
            ? "URGENT #\(found.id): the worker's last message may be a crisis. Read it and answer first."
            : "URGENT #\(found.id): the worker may be in crisis and \(found.claimedBy ?? "the claimant") is not connected. "
                + "Someone take it now: !show \(found.id)"
    }

    /// The worker of a case asked to be forgotten: the case is gone, no content is left to say.
    public static func workerLeft(caseID: Int64) -> String {
        "Case #\(caseID): the worker asked to be forgotten; the case and everything in it are erased."
    }

    public static func reminder(_ found: HelplineCase, now: Date = Date()) -> String {
        let minutes = Int(now.timeIntervalSince(found.openedAt) / 60)
        return "\(found.urgent ? "URGENT " : "")Reminder: case #\(found.id) [\(found.language)] \(found.topic) has waited \(minutes) min unclaimed. !claim \(found.id)"
    }
}
