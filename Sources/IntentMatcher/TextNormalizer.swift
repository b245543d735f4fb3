import Foundation

/// The writing system of a token: the matcher tokenises Latin and Arabic script text; other letters still make
/// tokens (so that a message in another script counts as unknown words rather than as nothing).
enum Script: UInt8, Sendable {
    case latin, arabic, digits, other
}

/// One word of a message after normalisation: lowercase, without accents or tashkeel, letters of one script
/// or a run of digits.
struct Token: Sendable, Equatable {
    var text: String
    var script: Script
    /// Typed in capital letters (two or more, ASCII): `TO` may be an acronym where `to` is a function word.
    var isCapitals = false
    /// Written against the previous token with nothing between them (`ta3ban` is `ta` `3` `ban`, the last two
    /// joined): Arabizi writes Arabic sounds as digits inside words, which the language detector looks for.
    var isJoined = false
}

/// Turns what workers type into what the matcher compares, and what the helpline may show back.
public enum TextNormalizer {
    /// The message as the matcher sees it: NFKC, case-folded, accents and tashkeel removed, Arabic letter
    /// variants unified, invisible characters dropped, punctuation turned into spaces, one space between words.
    /// Latin and Arabic letters next to each other are split (`وProlific` is two words) and so are letters and
    /// digits (`20min`); a letter repeated three times or more counts once (`heyyy` is `hey`).
    public static func normalize(_ text: String) -> String {
        words(text).joined(separator: " ")
    }

    /// The words of `normalize(text)`, without joining them to split them again.
    public static func words(_ text: String) -> [String] {
        tokens(text).map(\.text)
    }

    /// Text that is safe to echo to a chat or a log: C0/C1 control characters removed except newline (tab
    /// becomes a space, CR LF and CR become LF), zero-width and bidi control characters removed (a worker's
    /// message must not reorder or hide what the volunteer reads), NFC, surrounding whitespace trimmed.
    public static func cleanForDisplay(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            defer { previousWasCR = value == 0x0D }
            switch value {
            case 0x0A:
                if !previousWasCR { scalars.append("\n") }
            case 0x0D:
                scalars.append("\n")
            case 0x09:
                scalars.append(" ")
            case 0x00...0x1F, 0x7F...0x9F:
                continue
            default:
                if isInvisibleControl(value) { continue }
                scalars.append(scalar)
            }
        }
        return String(scalars).precomposedStringWithCanonicalMapping
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Zero-width and bidi control characters, the byte-order mark, soft hyphen and variation selectors: they
    /// change how text looks or orders without being words, and can hide text from a reader.
    static func isInvisibleControl(_ value: UInt32) -> Bool {
        switch value {
        case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x180B...0x180F, 0x200B...0x200F, 0x202A...0x202E,
             0x2060...0x2064, 0x2066...0x206F, 0xFE00...0xFE0F, 0xFEFF, 0xFFF9...0xFFFB, 0xE0000...0xE007F:
            return true
        default:
            return false
        }
    }

    /// The tokens of the first `limit` Unicode scalars of `text`. Works scalar by scalar with a fast path for
    /// ASCII, so that matching a message costs microseconds; non-ASCII scalars go through `ScalarFolding`.
    static func tokens(_ text: String, limit: Int = Int.max) -> [Token] {
        var builder = TokenBuilder()
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            if count > limit { break }
            let value = scalar.value
            if value < 0x80 {
                switch value {
                case 0x61...0x7A: builder.append(scalar, .latin, capital: false)
                case 0x41...0x5A: builder.append(Unicode.Scalar(UInt8(value + 0x20)), .latin, capital: true)
                case 0x30...0x39: builder.append(scalar, .digits)
                default: builder.flush()
                }
                continue
            }
            switch ScalarFolding.fold(scalar) {
            case .ignore:
                continue
            case .separator:
                builder.flush()
            case .scalar(let folded, let script):
                builder.append(folded, script)
            case .scalars(let folded):
                for item in folded { builder.append(item, ScalarFolding.script(of: item)) }
            }
        }
        builder.flush()
        return builder.tokens
    }
}

/// Accumulates scalars into tokens, splitting where the script changes. The current word is kept as UTF-8
/// bytes in a buffer that is reused from word to word, so that a word costs one string.
private struct TokenBuilder {
    var tokens: [Token] = []
    private var bytes: [UInt8] = []
    private var scalarCount = 0
    private var script: Script = .other
    private var last: UInt32 = 0
    private var runLength = 0
    private var hasLongRun = false
    private var allCapitals = true
    private var joined = false

    init() {
        bytes.reserveCapacity(64)
    }

    mutating func append(_ scalar: Unicode.Scalar, _ kind: Script, capital: Bool = false) {
        if scalarCount > 0 && kind != script { flush(joiningNext: true) }
        script = kind
        if !capital { allCapitals = false }
        let value = scalar.value
        if value == last {
            runLength += 1
            if runLength >= 3 && kind != .digits { hasLongRun = true }
        } else {
            last = value
            runLength = 1
        }
        scalarCount += 1
        if value < 0x80 {
            bytes.append(UInt8(value))
        } else {
            for unit in UTF8.encode(scalar)! { bytes.append(unit) }
        }
    }

    /// Ends the current word. `joiningNext`: the next word starts right here (the script changed).
    mutating func flush(joiningNext: Bool = false) {
        defer { joined = joiningNext }
        guard scalarCount > 0 else { return }
        let word = String(decoding: bytes, as: UTF8.self)
        let text = hasLongRun ? Self.collapsingRuns(word.unicodeScalars) : word
        tokens.append(Token(text: text, script: script, isCapitals: allCapitals && script == .latin
            && scalarCount >= 2, isJoined: joined))
        bytes.removeAll(keepingCapacity: true)
        scalarCount = 0
        last = 0
        runLength = 0
        hasLongRun = false
        allCapitals = true
    }

    /// `heyyy` → `hey`, `ayudaaa` → `ayuda`: a letter typed three times or more is kept once. Doubles stay,
    /// since many words have them (`cool`, `arroz`…); the character trigrams take care of `holaa`.
    private static func collapsingRuns(_ scalars: String.UnicodeScalarView) -> String {
        var result = String.UnicodeScalarView()
        let array = Array(scalars)
        var index = 0
        while index < array.count {
            var end = index + 1
            while end < array.count && array[end] == array[index] { end += 1 }
            let run = end - index
            if run >= 3 {
                result.append(array[index])
            } else {
                result.append(contentsOf: array[index..<end])
            }
            index = end
        }
        return String(result)
    }
}
