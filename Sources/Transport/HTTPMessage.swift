/// An HTTP header as sent or received; names compare case-insensitively through `value(of:)`.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An HTTP request for the event loop. Only values: it crosses from async callers to the loop thread.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    public var method: Method
    /// An http:// or https:// URL; other schemes are refused before any connection is made.
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    /// Time allowed to establish the connection (and TLS).
    public var connectTimeout: Duration
    /// Time allowed for the whole transfer; for a long-poll, set it above the server's hold time.
    public var totalTimeout: Duration
    /// The largest response body accepted; a larger one fails with `.responseTooLarge`.
    public var maxResponseBytes: Int
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedWindow` is abandoned
    /// (a slow-loris peer cannot hold the gateway).
    public var lowSpeedBytesPerSecond: Int
    public var lowSpeedWindow: Duration

    public init(
        method: Method = .get,
        url: String,
        headers: [HTTPHeader] = [],
        body: [UInt8]? = nil,
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(30),
        maxResponseBytes: Int = 1 << 20,
        lowSpeedBytesPerSecond: Int = 0,
        lowSpeedWindow: Duration = .seconds(30)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxResponseBytes = maxResponseBytes
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedWindow = lowSpeedWindow
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPHeader], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header with this name, compared case-insensitively.
    public func value(of name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

extension Duration {
    /// Whole milliseconds, rounded up, as libcurl's `_MS` options want them (0 would mean "no limit").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return max(1, Int(clamping: millis))
    }
}
