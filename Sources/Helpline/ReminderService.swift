import CaseTracker
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
                _ = try? sendDueReminders(now: Date())
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass; returns the cases reminded. The clock is a parameter, so tests move it.
    @discardableResult
    public func sendDueReminders(now: Date) throws -> [Int64] {
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
