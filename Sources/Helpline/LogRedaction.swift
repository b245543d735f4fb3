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
        return maskIdentifiers(out)
    }

    /// Masks, word by word: e-mail addresses, runs of 7+ digits (phones, with + - . ( ) / and
    /// spaces between, but not dates like 2026-11-30), and MTurk/Prolific-style worker ids (A +
    /// 12–20 capitals/digits, 24 hex digits). Words are split at any white space, which is kept
    /// as it was, so a masked text reads like the original.
    ///
    /// The one rule for identifiers: the logs use it, and so does everything the helpline stores
    /// of a worker's words (a volunteer must not learn who a worker is from a pasted e-mail).
    public static func maskIdentifiers(_ text: String) -> String {
        guard text.contains(where: { $0 == "@" || $0.isNumber }) else { return text }
        let (words, gaps) = splitKeepingWhiteSpace(text)
        var result = ""
        var index = 0
        while index < words.count {
            let word = words[index]
            var masked: String? = nil
            var next = index + 1
            if isEmail(word) {
                masked = "[email]"
            } else if isWorkerID(word) {
                masked = "[worker-id]"
            } else if digitCount(word) > 0, !isDate(word) {
                // Phone numbers are often written in groups: "+58 412 555 1234".
                var end = index
                var digits = 0
                while end < words.count, isPhonePart(words[end]), !isDate(words[end]) {
                    digits += digitCount(words[end])
                    end += 1
                }
                if digits >= 7 {
                    masked = "[phone]"
                    next = end
                }
            }
            result += masked ?? String(word)
            result += gaps[next - 1]
            index = next
        }
        return result
    }

    /// The words of `text` and, after each, the white space that followed it ("" after the last).
    /// Leading white space follows an empty first word.
    private static func splitKeepingWhiteSpace(_ text: String) -> (words: [Substring], gaps: [Substring]) {
        var words: [Substring] = []
        var gaps: [Substring] = []
        var cursor = text.startIndex
        repeat {
            let wordEnd = text[cursor...].firstIndex(where: \.isWhitespace) ?? text.endIndex
            let gapEnd = text[wordEnd...].firstIndex { !$0.isWhitespace } ?? text.endIndex
            words.append(text[cursor..<wordEnd])
            gaps.append(text[wordEnd..<gapEnd])
            cursor = gapEnd
        } while cursor < text.endIndex
        return (words, gaps)
    }

    /// 2026-11-30, 30/11/2026, 30.11.26: a date is not a phone number, and a case story needs it.
    private static func isDate(_ word: Substring) -> Bool {
        let parts = word.trimmingPunctuation.split(omittingEmptySubsequences: false) { "-/.".contains($0) }
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isNumber) }) else { return false }
        return parts.contains { $0.count == 4 } || parts.allSatisfy { $0.count <= 2 }
    }

    private static func isEmail(_ word: Substring) -> Bool {
        guard let at = word.firstIndex(of: "@"), at != word.startIndex else { return false }
        return word[word.index(after: at)...].contains(".")
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

    /// A group of a phone number; a trailing comma or full stop ends the sentence, not the number.
    private static func isPhonePart(_ word: Substring) -> Bool {
        var word = word
        while let last = word.last, ",;:!?".contains(last) { word = word.dropLast() }
        return !word.isEmpty && word.allSatisfy { $0.isNumber || "+-.()/".contains($0) }
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
