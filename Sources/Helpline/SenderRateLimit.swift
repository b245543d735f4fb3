public import Foundation
import Synchronization

/// How fast one worker may write before the helpline stops reading them for a while.
///
/// A person typing on a phone sends a few lines at once and then waits for the answer; a script
/// or a harasser sends hundreds. The burst lets the first kind through untouched; the rate stops
/// the second from filling the store, the matcher's time and the volunteers' channel.
public struct RateLimitPolicy: Sendable, Equatable {
    /// Messages a worker may send at once after a pause.
    public var burst: Int
    /// Messages per minute allowed after the burst.
    public var perMinute: Int
    /// A refused sender is told at most once in this time, so a flood gets a notice, not a flood back.
    public var noticeInterval: TimeInterval
    /// Senders remembered at once; beyond it the idle ones are forgotten first (bounded memory
    /// however many addresses a flood comes from).
    public var trackedSenders: Int

    public init(burst: Int = 20, perMinute: Int = 30, noticeInterval: TimeInterval = 300, trackedSenders: Int = 10_000) {
        self.burst = max(1, burst)
        self.perMinute = max(1, perMinute)
        self.noticeInterval = noticeInterval
        self.trackedSenders = max(1, trackedSenders)
    }
}

/// One token bucket per pseudonym, in memory (a restart forgives everyone, which errs on the
/// side of reading a worker). Thread-safe: the gateways receive on their own threads.
public final class SenderRateLimit: Sendable {
    public enum Verdict: Sendable, Equatable {
        case read
        /// Not read; `tell` is true the first time in `noticeInterval`.
        case refuse(tell: Bool)
    }

    private struct Bucket {
        var tokens: Double
        var updated: Date
        var toldAt: Date?
    }

    public let policy: RateLimitPolicy
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(policy: RateLimitPolicy) {
        self.policy = policy
    }

    /// How many senders are remembered now (for tests and health).
    public var trackedCount: Int { buckets.withLock { $0.count } }

    public func admit(_ sender: String, at now: Date) -> Verdict {
        let policy = policy
        return buckets.withLock { buckets in
            var bucket = buckets[sender] ?? Bucket(tokens: Double(policy.burst), updated: now)
            bucket.tokens = Self.refilled(bucket, at: now, policy: policy)
            bucket.updated = max(bucket.updated, now)
            let verdict: Verdict
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                verdict = .read
            } else {
                let tell = bucket.toldAt.map { now.timeIntervalSince($0) >= policy.noticeInterval } ?? true
                if tell { bucket.toldAt = now }
                verdict = .refuse(tell: tell)
            }
            if buckets[sender] == nil, buckets.count >= policy.trackedSenders {
                Self.forgetSome(&buckets, at: now, policy: policy)
            }
            buckets[sender] = bucket
            return verdict
        }
    }

    private static func refilled(_ bucket: Bucket, at now: Date, policy: RateLimitPolicy) -> Double {
        let elapsed = max(0, now.timeIntervalSince(bucket.updated))
        return min(Double(policy.burst), bucket.tokens + elapsed * Double(policy.perMinute) / 60)
    }

    /// Makes room: first the senders whose bucket has refilled (forgetting them changes nothing),
    /// then, if a flood of new addresses keeps them all busy, the tenth least recently seen. The
    /// cost is paid once per tenth of the table, not on every message.
    private static func forgetSome(_ buckets: inout [String: Bucket], at now: Date, policy: RateLimitPolicy) {
        buckets = buckets.filter { refilled($0.value, at: now, policy: policy) < Double(policy.burst) }
        guard buckets.count >= policy.trackedSenders else { return }
        let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(max(1, policy.trackedSenders / 10))
        for (sender, _) in oldest { buckets[sender] = nil }
    }
}
