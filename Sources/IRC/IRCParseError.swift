/// Why one received line could not be parsed. The framer reports it and goes on with the next line.
public struct IRCParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong with the line.
    public enum Reason: Sendable, Equatable {
        /// The line had nothing but spaces or tags.
        case missingCommand
        /// The command is neither ASCII letters nor a three-digit numeric.
        case invalidCommand
        /// `:` was followed by a space or by the end of the line.
        case invalidSource
        /// A middle parameter is unusable once sanitised
        /// (see ``IRCMessageError/Reason/invalidMiddleParameter(index:)``).
        case invalidParameter(index: Int)
        /// The line exceeded the framer's limit (bytes, excluding CR LF); the rest of it was discarded.
        case lineTooLong(limit: Int)
    }

    public let reason: Reason
    /// The start of the offending line, cut to 80 characters and stripped of control characters so it is safe
    /// to log (the full line may be hostile).
    public let line: String

    public init(_ reason: Reason, line: some StringProtocol) {
        self.reason = reason
        self.line = IRCText.sanitize(line.prefix(80))
    }

    public var description: String {
        "unparsable IRC line (\(reason)): \"\(line)\""
    }
}
