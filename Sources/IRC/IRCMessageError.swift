/// Why an ``IRCMessage`` could not be built: the value would have changed the structure of the line.
public struct IRCMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Sendable, Equatable {
        /// The command is neither ASCII letters nor a three-digit numeric.
        case invalidCommand
        /// A tag key is not `['+'] [vendor '/'] name`.
        case invalidTagKey
        /// The source is empty or contains a space once sanitised.
        case invalidSource
        /// A parameter other than the last is empty, contains a space or starts with `:` once sanitised.
        case invalidMiddleParameter(index: Int)
        /// The target is so long that even an empty reply to it would exceed 512 bytes once relayed.
        case targetTooLong
    }

    public let reason: Reason
    /// The offending value, cut to 80 characters and stripped of control characters so it is safe to log.
    public let detail: String

    init(_ reason: Reason, detail: String) {
        self.reason = reason
        self.detail = IRCText.sanitize(detail.prefix(80))
    }

    public var description: String {
        "invalid IRC message (\(reason)): \"\(detail)\""
    }
}
