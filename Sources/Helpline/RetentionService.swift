import CaseTracker
import Foundation
public import ServiceLifecycle

/// Erases closed cases and idle conversations older than the retention policy, every few hours.
public struct RetentionService: Service {
    private let helpline: Helpline
    private let retention: TimeInterval

    public init(helpline: Helpline, retentionDays: Int) {
        self.helpline = helpline
        self.retention = TimeInterval(retentionDays) * 86_400
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = try? helpline.store.purge(olderThan: retention, now: Date())
                try? await Task.sleep(for: .seconds(6 * 3600))
            }
        }
    }
}
