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
    /// A transfer not accepted by its receiver within this long goes back to the queue.
    public var transferAcceptWithin: TimeInterval
    /// A "yes" or "no" this soon after a close answers "did this help?".
    public var feedbackWithin: TimeInterval = 48 * 3600
    /// A reply its channel cannot deliver (the worker left IRC, or blocked the bot: HTTP 403) is tried again
    /// this long, then given up (see `CaseStore.Delivery.undeliverable`).
    public var giveUpAfter: TimeInterval = CaseStore.giveUpAfter

    public init(
        reopenWithin: TimeInterval = 72 * 3600, remindAfter: TimeInterval = 15 * 60, remindUrgentAfter: TimeInterval = 2 * 60,
        checkInEvery: TimeInterval = 10 * 60, checkInMaximum: Int = 3, urgentUnclaimedLimit: TimeInterval = 15 * 60,
        transferAcceptWithin: TimeInterval = 10 * 60
    ) {
        self.transferAcceptWithin = transferAcceptWithin
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

    /// The target of a message for one volunteer: their alias, resolved to their current nick only when
    /// it is sent, so it follows them (an account login) or is set aside (they left), never a stale nick.
    public static func target(forVolunteer alias: String) -> String { "volunteer:\(alias)" }

    /// The alias in such a target; nil for a channel or a nick (a colon is in neither).
    public static func alias(inTarget target: String) -> String? {
        target.hasPrefix("volunteer:") ? String(target.dropFirst("volunteer:".count)) : nil
    }
}

/// What volunteers read about cases. English: the volunteers' common language here; the case's
/// language is in every line. Never the worker's words in a channel.
public enum CaseNotices {
    /// `highlight`: the nicks of logged-in volunteers who answer in the case's language, named so that
    /// their clients ring; an urgent case is louder (marked, and names everyone logged in if need be).
    public static func opened(_ found: HelplineCase, isNew: Bool, highlight: [String] = []) -> String {
        let what = isNew ? (found.status == .open && found.claimedBy == nil ? "New case" : "Case") : "Case now URGENT:"
        return "\(found.urgent ? "‼ URGENT " : "")\(what) #\(found.id) [\(found.language)] topic \(found.topic). "
            + "Claim it: !claim \(found.id) · read it: !show \(found.id)" + calling(highlight)
    }

    /// A case back in the queue (released, its volunteer revoked, a hand-over that lapsed).
    public static func requeued(_ found: HelplineCase, highlight: [String] = []) -> String {
        "\(found.urgent ? "‼ URGENT " : "")Case #\(found.id) [\(found.language)] topic \(found.topic) is back in the queue. "
            + "Claim it: !claim \(found.id) · read it: !show \(found.id)" + calling(highlight)
    }

    private static func calling(_ nicks: [String]) -> String {
        nicks.isEmpty ? "" : " — " + nicks.joined(separator: " ")
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
