/// Capped exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
/// Jitter"): the wait is random in [0, min(cap, base × 2^attempt)], so many clients restarting
/// together do not hammer a server in step.
public struct Backoff: Sendable, Equatable {
    public let base: Duration
    public let cap: Duration
    public private(set) var attempt = 0

    public init(base: Duration = .milliseconds(500), cap: Duration = .seconds(60)) {
        self.base = base
        self.cap = cap
    }

    public mutating func nextDelay(using random: inout some RandomNumberGenerator) -> Duration {
        let ceiling = min(cap, base * Double(1 << min(attempt, 30)))
        attempt += 1
        let fraction = Double.random(in: 0...1, using: &random)
        return ceiling * fraction
    }

    /// After a connection that worked: the next failure starts from `base` again.
    public mutating func reset() { attempt = 0 }
}
