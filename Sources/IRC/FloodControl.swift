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
