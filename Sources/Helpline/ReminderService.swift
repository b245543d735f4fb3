import CaseTracker
import IntentMatcher
public import Foundation
public import ServiceLifecycle

/// Announces again, in the volunteers' channel, the cases nobody has claimed: after
/// `remindAfter`, or `remindUrgentAfter` for urgent ones, and again after each such delay.
public struct ReminderService: Service {
    private let helpline: Helpline
    private let interval: Duration

    public init(helpline: Helpline, checkEvery interval: Duration = .seconds(30)) {
        self.helpline = helpline
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = try? sendDueCheckIns(now: Date())
                _ = try? sendDueReminders(now: Date())
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Urgent cases still unclaimed: the worker gets a short check-in in their language, and the volunteers a
    /// louder reminder, in the channel and to each logged-in volunteer by private message. Returns the cases.
    @discardableResult
    public func sendDueCheckIns(now: Date) throws -> [Int64] {
        let policy = helpline.policy
        let due = try helpline.store.casesToCheckIn(now: now, every: policy.checkInEvery, maximum: policy.checkInMaximum)
        for found in due {
            let language = Language(rawValue: found.language) ?? .en
            var announcements: [Announcement] = []
            if let routing = helpline.volunteers {
                let text = CaseNotices.urgentWaiting(found, now: now)
                announcements = ([routing.target] + helpline.presence.all.map { VolunteerRouting.target(forVolunteer: $0.alias) }).map {
                    Announcement(channel: routing.channel, target: $0, text: text)
                }
                helpline.outboxBell(for: routing.channel).ring()
            }
            try helpline.store.recordCheckIn(found, text: CrisisMessage.checkIn(in: language), announcements: announcements, at: now)
            helpline.outboxBell(for: found.channel).ring()
        }
        return due.map(\.id)
    }

    /// Transfers nobody accepted in time go back to the queue: announced again, the worker and the giver told.
    @discardableResult
    public func expireTransferOffers(now: Date) throws -> [Int64] {
        let routing = helpline.volunteers
        let presence = helpline.presence
        let expired = try helpline.store.expireTransferOffers(olderThan: helpline.policy.transferAcceptWithin, now: now) { found, giver, receiver in
            var announcements = VolunteerDesk.toVolunteer(
                giver, in: routing, "\(receiver) did not accept case #\(found.id) in time: it is back in the queue.")
            if let routing {
                announcements.append(Announcement(
                    channel: routing.channel, target: routing.target, text: CaseNotices.requeued(found, highlight: presence.highlights(for: found))))
            }
            return HandoverMessages(
                toWorker: DeskMessage.released(caseID: found.id, in: Language(rawValue: found.language) ?? .en), announcements: announcements)
        }
        if !expired.isEmpty {
            for channel in Set(try expired.compactMap { try helpline.store.helplineCase($0)?.channel } + [routing?.channel].compactMap { $0 }) {
                helpline.outboxBell(for: channel).ring()
            }
        }
        return expired
    }

    /// One pass; returns the cases reminded. The clock is a parameter, so tests move it.
    @discardableResult
    public func sendDueReminders(now: Date) throws -> [Int64] {
        try expireTransferOffers(now: now)
        guard let routing = helpline.volunteers else { return [] }
        let due = try helpline.store.casesToRemind(
            now: now, normalAfter: helpline.policy.remindAfter, urgentAfter: helpline.policy.remindUrgentAfter)
        for found in due {
            try helpline.store.markReminded(
                found.id,
                announcements: [Announcement(channel: routing.channel, target: routing.target, text: CaseNotices.reminder(found, now: now))],
                at: now)
        }
        if !due.isEmpty { helpline.outboxBell(for: routing.channel).ring() }
        return due.map(\.id)
    }
}
