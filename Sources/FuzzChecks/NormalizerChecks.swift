import Foundation
import IntentMatcher

/// The bytes are what a worker typed (invalid UTF-8 decoded with U+FFFD, as the channels do). The promises:
/// - `normalize` is idempotent and gives lowercase words of letters and digits separated by single spaces, at
///   most 18 scalars per input scalar (U+FDFA, the longest compatibility decomposition, gives 18 letters);
/// - `cleanForDisplay` is idempotent, trimmed, and keeps no control, zero-width or bidi control character but
///   the newline;
/// - the real answer set's matcher decides on the text without trapping, and twice the same way.
enum NormalizerChecks {
    static let maximumExpansion = 18

    /// The matcher of the repository's own `intents/`, built once per process.
    static let matcher: Matcher? = {
        let intents = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("intents")
        return (try? AnswerSetLoader.load(directory: intents)).map { Matcher(answers: $0) }
    }()

    static func check(_ bytes: UnsafeRawBufferPointer) throws(InvariantViolation) {
        let text = String(decoding: bytes, as: UTF8.self)

        let normalized = TextNormalizer.normalize(text)
        try require(
            TextNormalizer.normalize(normalized) == normalized,
            "normalize is not idempotent: \(excerpt(text)) → \(excerpt(normalized)) → "
                + excerpt(TextNormalizer.normalize(normalized)))
        try require(
            !normalized.hasPrefix(" ") && !normalized.hasSuffix(" ") && !normalized.contains("  "),
            "normalize left stray spaces: \(excerpt(normalized))")
        for scalar in normalized.unicodeScalars where scalar != " " {
            try require(isWordScalar(scalar), "normalize kept U+\(hex(scalar)): \(excerpt(text))")
        }
        try require(
            normalized.unicodeScalars.count <= maximumExpansion * text.unicodeScalars.count,
            "normalize grew \(text.unicodeScalars.count) scalars to \(normalized.unicodeScalars.count)")

        let display = TextNormalizer.cleanForDisplay(text)
        try require(
            TextNormalizer.cleanForDisplay(display) == display, "cleanForDisplay is not idempotent: \(excerpt(text))")
        try require(
            display.trimmingCharacters(in: .whitespacesAndNewlines) == display, "cleanForDisplay is not trimmed")
        for scalar in display.unicodeScalars {
            let value = scalar.value
            let isControl = value < 0x20 && value != 0x0A || (0x7F...0x9F).contains(value)
            try require(!isControl && !isHiddenControl(value), "cleanForDisplay kept U+\(hex(scalar))")
        }

        guard let matcher else {
            throw InvariantViolation(message: "the repository's intents/ did not load; the checks need it")
        }
        let first = matcher.match(text)
        try require(matcher.match(text) == first, "the matcher decided twice differently on \(excerpt(text))")
    }

    /// Lowercase letters (or letters without case) and digits: what a normalised word is made of.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .titlecaseLetter: return false
        case .lowercaseLetter, .modifierLetter, .otherLetter: return true
        case .decimalNumber: return ("0"..."9").contains(scalar)
        default: return false
        }
    }

    /// Zero-width and bidi controls, BOM, soft hyphen, variation selectors: the list `cleanForDisplay` documents.
    static func isHiddenControl(_ value: UInt32) -> Bool {
        switch value {
        case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x180B...0x180F, 0x200B...0x200F, 0x202A...0x202E,
            0x2060...0x2064, 0x2066...0x206F, 0xFE00...0xFE0F, 0xFEFF, 0xFFF9...0xFFFB, 0xE0000...0xE007F:
            return true
        default:
            return false
        }
    }

    static func hex(_ scalar: Unicode.Scalar) -> String {
        String(scalar.value, radix: 16, uppercase: true)
    }
}
