public import Logging

/// What may appear in a log record: no e-mail address, phone number or platform worker id, and
/// no line break (a worker's CR/LF must not forge a second record). Applied to every message and
/// metadata value by `RedactingLogHandler`, whatever the level, as a second line of defence:
/// the code already logs no message bodies and no addresses at info.
public enum LogRedaction {
    public static func redact(_ text: String) -> String {
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
        return maskTokens(out)
    }

    /// Masks, word by word: e-mail addresses, runs of 7+ digits (phones, with + - . ( ) spaces
    /// between), and MTurk/Prolific-style worker ids (A + 12–20 capitals/digits, 24 hex digits).
    static func maskTokens(_ text: String) -> String {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        var result: [Substring] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            if isEmail(word) {
                result.append("[email]")
            } else if isWorkerID(word) {
                result.append("[worker-id]")
            } else if digitCount(word) > 0 {
                // Phone numbers are often written in groups: "+58 412 555 1234".
                var end = index
                var digits = 0
                while end < words.count, isPhonePart(words[end]) {
                    digits += digitCount(words[end])
                    end += 1
                }
                if digits >= 7 {
                    result.append("[phone]")
                    index = end
                    continue
                }
                result.append(word)
            } else {
                result.append(word)
            }
            index += 1
        }
        return result.joined(separator: " ")
    }

    private static func isEmail(_ word: Substring) -> Bool {
        guard let at = word.firstIndex(of: "@"), at != word.startIndex else { return false }
        return word[word.index(after: at)...].contains(".")
    }

    /// Masks only platform worker ids (MTurk's A…, Prolific's 24 hex digits): what the helpline
    /// stores of a worker's own words keeps everything else they chose to write.
    public static func maskPlatformIDs(_ text: String) -> String {
        guard text.contains(where: \.isNumber) else { return text }
        return text.split(separator: " ", omittingEmptySubsequences: false)
            .map { isWorkerID($0) ? "[worker-id]" : $0 }.joined(separator: " ")
    }

    private static func isWorkerID(_ word: Substring) -> Bool {
        let trimmed = word.trimmingPunctuation
        if trimmed.count >= 13, trimmed.count <= 21, trimmed.first == "A",
            trimmed.allSatisfy({ ($0.isUppercase && $0.isASCII) || $0.isNumber }), trimmed.contains(where: \.isNumber)
        {
            return true
        }
        return trimmed.count == 24 && trimmed.allSatisfy(\.isHexDigit) && trimmed.contains(where: \.isNumber)
    }

    private static func isPhonePart(_ word: Substring) -> Bool {
        !word.isEmpty && word.allSatisfy { $0.isNumber || "+-.()/".contains($0) }
    }

    private static func digitCount(_ word: Substring) -> Int {
        word.filter { $0.isASCII && $0.isNumber }.count
    }
}

extension Substring {
    fileprivate var trimmingPunctuation: Substring {
        var copy = self
        while let last = copy.last, last.isPunctuation { copy = copy.dropLast() }
        while let first = copy.first, first.isPunctuation { copy = copy.dropFirst() }
        return copy
    }
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
