public import Logging
import ChannelRecords

/// What may appear in a log record: no e-mail address, phone number or platform worker id, and
/// no line break (a worker's CR/LF must not forge a second record). Applied to every message and
/// metadata value by `RedactingLogHandler`, whatever the level, as a second line of defence:
/// the code already logs no message bodies and no addresses at info.
public enum LogRedaction {
    public static func redact(_ text: String) -> String {
        // Most records are printable ASCII (event names, pseudonyms, counts): nothing to escape, and walking
        // them by grapheme was 2% of `serve`'s CPU under load (perf, docs/benchmarks.md).
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return maskIdentifiers(text) }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "\r\n", "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) {
                    out += "?"
                } else {
                    out.append(character)
                }
            }
        }
        return maskIdentifiers(out)
    }

    /// The one rule for identifiers (`IdentifierMask`, beside the other rules for what a worker sends): the logs
    /// use it, and so does everything the helpline and the relay store of a worker's words.
    public static func maskIdentifiers(_ text: String) -> String { IdentifierMask.mask(text) }
}

/// Wraps another handler and redacts every record before it is written.
public struct RedactingLogHandler: LogHandler {
    private var inner: any LogHandler

    public init(wrapping inner: any LogHandler) {
        self.inner = inner
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = "\(LogRedaction.redact(event.message.description))"
        event.metadata = event.metadata.map { $0.mapValues(Self.redact) }
        inner.log(event: event)
    }

    static func redact(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(LogRedaction.redact(text))
        case .stringConvertible(let convertible): .string(LogRedaction.redact(convertible.description))
        case .array(let values): .array(values.map(redact))
        case .dictionary(let values): .dictionary(values.mapValues(redact))
        }
    }
}
