/// How the HTTP polling channel reaches its endpoint and paces itself.
public struct HTTPPollChannelConfiguration: Sendable {
    public enum Flavour: String, Sendable {
        /// The protocol of docs/http-channel.md (`entraide relay` or any endpoint that speaks it).
        case generic
        /// The Telegram Bot API: `getUpdates` with `offset`/`timeout`, `sendMessage`.
        case telegram
    }

    public var flavour: Flavour
    /// `https://relay.example/entraide` (generic) or `https://api.telegram.org/bot<token>` (telegram).
    /// Holds the Telegram token: never logged.
    public var baseURL: String
    /// The bearer token of the generic protocol; nil sends no Authorization header.
    public var token: String?
    /// The shared secret of the optional signature (generic only); nil neither signs nor checks.
    public var signingSecret: String?
    /// How long the endpoint may hold a poll open when it has nothing (Telegram's `timeout`).
    public var pollWait: Duration
    public var connectTimeout: Duration
    /// The whole of a send (`POST`), and what a poll may take beyond `pollWait`.
    public var requestTimeout: Duration
    /// The largest answer accepted; a larger one is abandoned and the request retried later.
    public var maxResponseBytes: Int
    /// Replies in flight at once, to different workers (one worker's replies keep their order).
    public var sendConcurrency: Int
    /// Messages asked for per poll.
    public var batchLimit: Int
    public var retryBase: Duration
    public var retryCap: Duration

    public init(
        flavour: Flavour = .generic, baseURL: String, token: String? = nil, signingSecret: String? = nil,
        pollWait: Duration = .seconds(25), connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(15),
        maxResponseBytes: Int = 1 << 20, sendConcurrency: Int = 4, batchLimit: Int = 100,
        retryBase: Duration = .milliseconds(500), retryCap: Duration = .seconds(60)
    ) {
        self.flavour = flavour
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.signingSecret = signingSecret
        self.pollWait = pollWait
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.sendConcurrency = max(1, sendConcurrency)
        self.batchLimit = max(1, batchLimit)
        self.retryBase = retryBase
        self.retryCap = retryCap
    }

    /// The channel's name in the store: replies and cursors of the two flavours never mix.
    public var channelName: String { flavour == .generic ? "http" : "telegram" }
}
