import Foundation

/// What one non-ASCII Unicode scalar becomes for matching.
enum FoldedScalar: Sendable {
    /// Invisible: zero-width, bidi controls, combining marks (accents, tashkeel), tatweel. Words stay joined.
    case ignore
    /// Punctuation, symbols, emoji, spaces, controls: a word ends here.
    case separator
    case scalar(Unicode.Scalar, Script)
    /// Compatibility characters that stand for several letters (`ﬁ`, `œ`, `ﻻ`). Each letter keeps its own script
    /// (`ẚ` is `a` and the modifier letter `ʾ`), so that normalising the result again changes nothing.
    case scalars([Unicode.Scalar])
}

/// Case and accent folding of single scalars. NFKD (the compatibility decomposition) followed by removing the
/// combining marks gives the same letters as NFKC plus accent removal, and it can be done scalar by scalar,
/// which lets us precompute a table for the Latin, Arabic and compatibility blocks the helpline sees and keep
/// Foundation out of the hot path. In Arabic the same step removes tashkeel and turns أ إ آ into ا (their
/// hamza and madda are combining marks once decomposed); ى, ة, ٱ and the Persian forms are mapped explicitly.
enum ScalarFolding {
    static func fold(_ scalar: Unicode.Scalar) -> FoldedScalar {
        if let folded = table[scalar.value] { return folded }
        return compute(scalar)
    }

    /// Latin-1 to Arabic, Latin Extended Additional, general punctuation, Arabic presentation forms and
    /// full-width forms, folded once at first use (a few thousand scalars, a few milliseconds).
    private static let table: [UInt32: FoldedScalar] = {
        var table: [UInt32: FoldedScalar] = [:]
        let ranges: [ClosedRange<UInt32>] = [
            0x0080...0x07FF, 0x08A0...0x08FF, 0x1E00...0x1EFF, 0x2000...0x206F, 0xFB00...0xFB4F, 0xFB50...0xFDFF,
            0xFE70...0xFEFF, 0xFF00...0xFFEF,
        ]
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                table[value] = compute(scalar)
            }
        }
        return table
    }()

    private static func compute(_ scalar: Unicode.Scalar) -> FoldedScalar {
        if TextNormalizer.isInvisibleControl(scalar.value) || scalar.value == 0x0640 { return .ignore }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .format:
            return .ignore
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            break
        default:
            return .separator
        }
        var out: [Unicode.Scalar] = []
        var script: Script = .other
        let decomposed = String(Character(scalar)).decomposedStringWithCompatibilityMapping
        for part in decomposed.unicodeScalars {
            // What is invisible on its own stays invisible inside a decomposition (`ﹿ` is tatweel and shadda).
            if TextNormalizer.isInvisibleControl(part.value) || part.value == 0x0640 { continue }
            switch part.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark, .format:
                continue
            case .decimalNumber:
                guard let digit = part.properties.numericValue, digit >= 0, digit <= 9,
                      let ascii = Unicode.Scalar(0x30 + UInt32(digit)) else { return .separator }
                out.append(ascii)
                script = .digits
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                // Lower-casing can add a combining mark (`İ` is `i` + U+0307): dropped like the others.
                for lower in part.properties.lowercaseMapping.unicodeScalars where !isMark(lower) {
                    let mapped = letterMap(lower)
                    out.append(contentsOf: mapped)
                    script = Self.script(of: mapped.first ?? lower)
                }
            default:
                if out.isEmpty { return .separator }
            }
        }
        if out.isEmpty { return .ignore }
        if out.count == 1, let only = out.first { return .scalar(only, script) }
        return .scalars(out)
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .format: true
        default: false
        }
    }

    /// Letters that NFKD keeps but workers write either way.
    private static func letterMap(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        switch scalar.value {
        case 0x00DF: return ["s", "s"]  // ß
        case 0x00E6: return ["a", "e"]  // æ
        case 0x0153: return ["o", "e"]  // œ
        case 0x00F8: return ["o"]  // ø
        case 0x0111: return ["d"]  // đ
        case 0x0142: return ["l"]  // ł
        case 0x0131: return ["i"]  // dotless ı
        case 0x0649, 0x06CC, 0x06D2: return ["\u{064A}"]  // ى ی ے → ي
        case 0x0629, 0x06C0, 0x06C1: return ["\u{0647}"]  // ة ۀ ہ → ه
        case 0x0671, 0x0672, 0x0673, 0x0675: return ["\u{0627}"]  // ٱ and other alef forms → ا
        case 0x06A9: return ["\u{0643}"]  // ک → ك
        default: return [scalar]
        }
    }

    static func script(of scalar: Unicode.Scalar) -> Script {
        switch scalar.value {
        case 0x30...0x39: return .digits
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF:
            return .latin
        case 0x0600...0x06FF, 0x0750...0x077F, 0x08A0...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF:
            return .arabic
        default:
            return .other
        }
    }
}
