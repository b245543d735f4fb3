/// What the bot sends to an IRC server and when, and what the server's answers prove was delivered, decided
/// without I/O: the caller passes the time and the events, and sends what `next(now:)` says. The counterpart of
/// `IRCClient` for the outgoing side, so every path (pacing, proof, a silent or frozen server, a recipient who
/// is gone) is tested with a clock that is only a number.
///
/// Why PINGs: a server handles a client's lines in order, so its PONG to a PING sent after a reply proves the
/// reply was relayed (or refused, with a numeric before the PONG). A reply is reported delivered only then. A
/// proof is asked for every `proofEvery` items, or once the oldest unproven item is `proofWithin` old, not only
/// when the queue runs dry: under a steady load it never does, and everything sent since the last proof is sent
/// again after a crash. At most `maximumUnproven` items go out unproven; past that the sender waits.
///
/// A connection is one `IRCOutbound`: after a reconnect a new one starts empty, and what the old one had not
/// proven is read again from the outbox and sent again (at least once, never marked without proof).
public struct IRCOutbound<Source: Sendable>: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Lines sent at once before pacing starts, then one every `lineInterval` (ngircd and InspIRCd
        /// disconnect or penalise clients that send faster).
        public var burst: Int
        public var lineInterval: Duration
        /// A proof is asked for after this many items sent...
        public var proofEvery: Int
        /// ...and at most this many items are sent and not yet proven.
        public var maximumUnproven: Int
        /// A server silent this long must answer a PING before stored items are sent to it: lines written to
        /// a frozen or dying server are not lost to it (it may read them when it wakes, after we gave up on
        /// the link and sent them again on the next one).
        public var provenAliveWithin: Duration

        /// The defaults were measured with scripts/crash_irc.py (2,000 questions, 6 kills of the bot, all sent
        /// at once; docs/proofs.md): with a proof only when the queue ran dry 25.5% of replies were sent twice
        /// after a crash, 1.6% with one every 8 items, about 1% with one every 4; without a bound on the unproven
        /// items a run now and then doubled 80–101 instead of about 20. The bound is 6 since the sender writes
        /// what it may send in one go (2026-12-07): with 32, a kill then doubled 184–188 replies (9.2%), with 8
        /// 48, with 6 24–32 (1.2–1.6%), with 4 20–24 but 15% fewer answers a second on loopback. On a real
        /// server's pacing (a line a second) six unproven items never bind.
        public init(burst: Int = 4, lineInterval: Duration = .seconds(1), proofEvery: Int = 4,
                    maximumUnproven: Int = 6, provenAliveWithin: Duration = .seconds(1)) {
            self.burst = burst
            self.lineInterval = lineInterval
            self.proofEvery = max(1, proofEvery)
            self.maximumUnproven = max(1, maximumUnproven)
            self.provenAliveWithin = provenAliveWithin
        }

        /// The oldest unproven item waits at most this long for its proof: two line intervals, at least 100 ms.
        public var proofWithin: Duration { max(.milliseconds(100), lineInterval * 2) }
    }

    /// What to do now.
    public enum Step: Sendable {
        /// Send this line (a PRIVMSG, or a PING asking for proof), then ask again.
        case send(IRCMessage)
        /// Nothing may go out before this long has passed (pacing).
        case wait(Duration)
        /// Nothing goes out until the server answers a PING (`pong`): too much is unproven, or the server has
        /// been silent and must show it is alive.
        case waitForProof
        /// Nothing is queued and nothing waits for proof.
        case idle
    }

    /// What one item's proof says: the server relayed it, or refused its target (a 401, 404… between the item
    /// and the PONG: the nick is gone, the channel will not take it).
    public struct Delivery: Sendable {
        public let source: Source
        public let target: String
        public let reached: Bool
    }

    /// What a PONG proved.
    public struct Proof: Sendable {
        /// Every item sent before the PING, in the order sent (empty for the probe after a silence).
        public var deliveries: [Delivery]
        /// Whether the sender was held by this proof (the window was full, or the server had to show it was
        /// alive): the caller should ask `next` again now rather than at its next timer.
        public var resumesSending: Bool
    }

    private struct Line: Sendable {
        let source: Source?
        let target: String
        let text: String
        let isLast: Bool
    }

    public let configuration: Configuration
    private var queue = FairQueue<Line>()
    private var bucket: TokenBucket
    /// Items fully sent since the last PING, and when the oldest of them was sent.
    private var sentSinceProof: [(source: Source, target: String)] = []
    private var unprovenSince: ContinuousClock.Instant?
    /// Items a PING was sent after, by the PING's token, until its PONG.
    private var awaitingProof: [String: [(source: Source, target: String)]] = [:]
    private var awaitingCount = 0
    private var counter = 0
    private var lastHeard: ContinuousClock.Instant
    private var livenessProbe: String?
    private var heldForProof = false
    /// Targets refused since the last proof (lowercased: IRC names are case-insensitive).
    private var refused: Set<String> = []

    /// `now`: when the connection was registered (the server was just heard).
    public init(configuration: Configuration = Configuration(), now: ContinuousClock.Instant) {
        self.configuration = configuration
        self.bucket = TokenBucket(capacity: configuration.burst, refillEvery: configuration.lineInterval)
        self.lastHeard = now
    }

    public var isEmpty: Bool { queue.isEmpty && sentSinceProof.isEmpty && awaitingProof.isEmpty }
    /// Items sent and not yet proven.
    public var unproven: Int { sentSinceProof.count + awaitingCount }

    /// Queues an item's lines (each already within the line budget) for `target`, fairly between targets.
    /// `source` nil: a line that needs no proof (an answer to a command, not stored).
    public mutating func enqueue(_ lines: [String], to target: String, source: Source?) {
        let lines = lines.isEmpty ? ["…"] : lines
        for (index, text) in lines.enumerated() {
            queue.append(Line(source: source, target: target, text: text, isLast: index == lines.count - 1), for: target)
        }
    }

    /// The server sent a line: it is alive now.
    public mutating func heard(now: ContinuousClock.Instant) {
        lastHeard = now
    }

    /// The server refused a line to `target` (401 no such nick, 404 cannot send to channel…).
    public mutating func refused(_ target: String) {
        refused.insert(target.lowercased())
    }

    /// The next thing to do. Call it again after each `send`.
    public mutating func next(now: ContinuousClock.Instant) -> Step {
        if !queue.isEmpty, sentSinceProof.isEmpty, now - lastHeard > configuration.provenAliveWithin {
            guard livenessProbe == nil else { return .waitForProof }
            counter += 1
            let token = "entraide-live-\(counter)"
            livenessProbe = token
            return .send(Self.ping(token))
        }
        guard !queue.isEmpty || !sentSinceProof.isEmpty else { return .idle }
        let wait = bucket.wait(now: now)
        guard wait == .zero else { return .wait(wait) }
        let windowFull = unproven >= configuration.maximumUnproven
        if windowFull && sentSinceProof.isEmpty {
            heldForProof = true
            return .waitForProof
        }
        _ = bucket.take(now: now)
        let proofDue = !sentSinceProof.isEmpty
            && (windowFull || queue.isEmpty || sentSinceProof.count >= configuration.proofEvery
                || unprovenSince.map { now - $0 >= configuration.proofWithin } == true)
        if !proofDue, let line = queue.next() {
            if line.isLast, let source = line.source {
                if sentSinceProof.isEmpty { unprovenSince = now }
                sentSinceProof.append((source, line.target))
            }
            // The target and text were checked when the lines were split; a PRIVMSG that cannot be built is
            // dropped rather than sent broken.
            guard let message = try? IRCMessage(command: "PRIVMSG", params: [line.target, line.text]) else {
                return next(now: now)
            }
            return .send(message)
        }
        counter += 1
        let token = "entraide-ack-\(counter)"
        awaitingProof[token] = sentSinceProof
        awaitingCount += sentSinceProof.count
        sentSinceProof = []
        unprovenSince = nil
        return .send(Self.ping(token))
    }

    /// The server answered a PING: what it proves, or nil for a token this connection did not send.
    public mutating func pong(_ token: String, now: ContinuousClock.Instant) -> Proof? {
        lastHeard = now
        if token == livenessProbe {
            livenessProbe = nil
            return Proof(deliveries: [], resumesSending: true)
        }
        guard let proven = awaitingProof.removeValue(forKey: token) else { return nil }
        awaitingCount -= proven.count
        let deliveries = proven.map {
            Delivery(source: $0.source, target: $0.target, reached: !refused.contains($0.target.lowercased()))
        }
        refused.removeAll()
        let resumes = heldForProof
        heldForProof = false
        return Proof(deliveries: deliveries, resumesSending: resumes)
    }

    private static func ping(_ token: String) -> IRCMessage {
        // Our own token, letters, digits and '-': nothing to check.
        IRCMessage(checkedTags: [], source: nil, command: "PING", params: [token], allowsCTCP: false)
    }
}
