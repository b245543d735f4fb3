public import Foundation

/// What to do after an HTTP answer, the same at both ends of the protocol: 2xx succeeded; 408,
/// 429 and 5xx are worth trying again; any other 4xx will fail the same way and is not retried.
public enum RetryDecision: Sendable, Equatable {
    case success
    /// Try again; `notBefore` is the server's `Retry-After`, when it gave one.
    case retry(notBefore: Duration?)
    case giveUp
}

public enum RetryRules {
    /// The longest `Retry-After` honoured: a hostile or broken server cannot park a channel for days.
    public static let maximumRetryAfter = Duration.seconds(3600)

    public static func decide(status: Int, retryAfter: String?, now: Date = Date()) -> RetryDecision {
        switch status {
        case 200..<300: return .success
        case 408, 429, 500..<600: return .retry(notBefore: retryAfter.flatMap { parseRetryAfter($0, now: now) })
        default: return .giveUp
        }
    }

    /// `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), capped; nil when unreadable.
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 {
            return min(.seconds(seconds), maximumRetryAfter)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        let seconds = max(0, date.timeIntervalSince(now))
        return min(.milliseconds(Int64(seconds * 1000)), maximumRetryAfter)
    }
}
