/// Why a request or a line connection failed, in terms a caller can act on.
///
/// A struct with a kind rather than an enum, so that new kinds do not break callers
/// (the pattern of swift-service-lifecycle's `ServiceRunnerError`).
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The connection or the whole transfer took longer than its deadline.
        case timedOut
        /// Nothing listens there, or the name did not resolve.
        case couldNotConnect
        /// The response body was larger than the request's `maxResponseBytes`.
        case responseTooLarge
        /// The URL uses a scheme other than http or https.
        case protocolNotAllowed
        /// The peer closed the line connection.
        case connectionClosed
        /// The line to send contains CR, LF or NUL, which would forge another line.
        case invalidLine
        /// The event loop was shut down, or the caller's task was cancelled.
        case cancelled
        /// TLS could not be set up or the certificate was refused.
        case tls
        /// Any other libcurl failure; `code` holds libcurl's CURLcode.
        case other
    }

    public let kind: Kind
    /// libcurl's CURLcode, or 0 when the error did not come from libcurl.
    public let code: Int
    /// libcurl's own words (its error buffer), without any request body or header value.
    public let detail: String

    public init(_ kind: Kind, code: Int = 0, detail: String = "") {
        self.kind = kind
        self.code = code
        self.detail = detail
    }

    public var description: String {
        let base = "transport error \(kind)"
        let withCode = code == 0 ? base : "\(base) (curl \(code))"
        return detail.isEmpty ? withCode : "\(withCode): \(detail)"
    }
}
