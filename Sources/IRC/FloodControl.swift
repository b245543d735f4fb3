/// A token bucket: `capacity` lines at once, then one more every `refillEvery`.
/// Pure: the caller passes the time.
public struct TokenBucket: Sendable, Equatable {
    public let capacity: Int
    public let refillEvery: Duration
    private var tokens: Double
    private var updatedAt: ContinuousClock.Instant?

    public init(capacity: Int, refillEvery: Duration) {
        self.capacity = max(1, capacity)
        self.refillEvery = refillEvery
        self.tokens = Double(max(1, capacity))
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        defer { updatedAt = now }
        guard let updatedAt, now > updatedAt else { return }
        tokens = min(Double(capacity), tokens + (now - updatedAt) / refillEvery)
    }

    /// Takes a token if there is one.
    public mutating func take(now: ContinuousClock.Instant) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// How long until a token is available (zero when one is).
    public mutating func wait(now: ContinuousClock.Instant) -> Duration {
        refill(now: now)
        return tokens >= 1 ? .zero : refillEvery * (1 - tokens)
    }
}

/// Lines waiting to be sent, one queue per recipient, served in turn: a worker's long answer
/// does not hold back everybody else's short one.
public struct FairQueue<Item: Sendable>: Sendable {
    private var queues: [String: [Item]] = [:]
    private var order: [String] = []

    public init() {}

    public var isEmpty: Bool { order.isEmpty }
    public var count: Int { queues.values.reduce(0) { $0 + $1.count } }

    public mutating func append(_ item: Item, for recipient: String) {
        if queues[recipient] == nil { order.append(recipient) }
        queues[recipient, default: []].append(item)
    }

    /// The next item, from the recipient whose turn it is.
    public mutating func next() -> Item? {
        guard !order.isEmpty else { return nil }
        let recipient = order.removeFirst()
        guard var queue = queues[recipient], !queue.isEmpty else { return next() }
        let item = queue.removeFirst()
        if queue.isEmpty {
            queues[recipient] = nil
        } else {
            queues[recipient] = queue
            order.append(recipient)
        }
        return item
    }

    /// Forgets everything queued (after a disconnect the outbox is read again).
    public mutating func removeAll() {
        queues.removeAll()
        order.removeAll()
    }
}

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
