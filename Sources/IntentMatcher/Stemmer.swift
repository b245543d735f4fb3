/// A small suffix stripper of our own for English, French, Spanish and Portuguese, and a prefix stripper for
/// Arabic. It is deliberately light: it only has to bring the forms workers use for the same idea together
/// (`rejected`/`rejection`, `pagaron`/`pagar`, `الأجر`/`أجر`), and a wrong cut costs little because the
/// character trigrams still compare the words as written.
///
/// Snowball (libstemmer) would be the standard choice, but a C dependency is out of scope for now; this can be
/// swapped for it behind the same `stem(_:language:)` function.
///
/// Words arrive normalised (lowercase, no accents), so the suffixes here have none either.
enum Stemmer {
    static func stem(_ word: String, language: Language) -> String {
        var bytes = Array(word.utf8)
        switch language {
        case .en: english(&bytes)
        case .fr: french(&bytes)
        case .es: spanish(&bytes)
        case .pt: portuguese(&bytes)
        case .ar: return arabic(word)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Latin languages

    /// Strips the first suffix of `suffixes` (longest listed first) that leaves at least `minimum` bytes, putting
    /// `replacement` in its place. Returns whether it cut.
    @discardableResult
    private static func strip(_ word: inout [UInt8], _ suffixes: [StaticString], minimum: Int,
                              replacement: StaticString = "") -> Bool {
        for suffix in suffixes {
            let count = suffix.utf8CodeUnitCount
            guard word.count - count >= minimum else { continue }
            let matches = suffix.withUTF8Buffer { buffer in
                word.withUnsafeBufferPointer { $0[($0.count - count)...].elementsEqual(buffer) }
            }
            guard matches else { continue }
            word.removeLast(count)
            replacement.withUTF8Buffer { word.append(contentsOf: $0) }
            return true
        }
        return false
    }

    private static func isVowel(_ byte: UInt8) -> Bool {
        byte == 0x61 || byte == 0x65 || byte == 0x69 || byte == 0x6F || byte == 0x75 || byte == 0x79
    }

    /// Plural s/es, -ing, -ed, -ly, -ment, -tion/-ation, final e; `-ize` and `-ise` meet.
    private static func english(_ word: inout [UInt8]) {
        guard word.count > 3 else { return }
        if strip(&word, Suffixes.ies, minimum: 2, replacement: "y") {
        } else if strip(&word, Suffixes.sses, minimum: 2, replacement: "ss") {
        } else if word.last == 0x73, word.count > 3, !hasSuffix(word, "ss"), !hasSuffix(word, "us"),
                  !hasSuffix(word, "is") {
            word.removeLast()
        }
        if strip(&word, Suffixes.adverbialParticiples, minimum: 3) {
        } else if strip(&word, Suffixes.ing, minimum: 3) || strip(&word, Suffixes.ed, minimum: 3) {
            undouble(&word)
        } else if strip(&word, Suffixes.ationItion, minimum: 4) {
        } else if strip(&word, Suffixes.tion, minimum: 3, replacement: "t") {
        } else if strip(&word, Suffixes.englishNounAdverb, minimum: 3) {
        }
        strip(&word, Suffixes.finalE, minimum: 3)
        strip(&word, Suffixes.iz, minimum: 2, replacement: "is")
    }

    private static func hasSuffix(_ word: [UInt8], _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard word.count >= count else { return false }
        return suffix.withUTF8Buffer { word[(word.count - count)...].elementsEqual($0) }
    }

    /// `stopped` → `stopp` → `stop`; but not `ll`/`ss` (`called`, `passed` keep theirs).
    private static func undouble(_ word: inout [UInt8]) {
        guard word.count >= 3, let last = word.last, word[word.count - 2] == last, !isVowel(last),
              last != 0x6C, last != 0x73 else { return }
        word.removeLast()
    }

    /// Plural s/x, participles -é/-ée/-és, infinitives -er/-ir, -ment, -tion, common verb endings.
    private static func french(_ word: inout [UInt8]) {
        guard word.count > 3 else { return }
        strip(&word, Suffixes.frenchPlural, minimum: 3)
        if strip(&word, Suffixes.frenchMent, minimum: 4) {
        } else if strip(&word, Suffixes.ationItion, minimum: 4) {
        } else if strip(&word, Suffixes.tion, minimum: 3, replacement: "t") {
        } else if strip(&word, Suffixes.frenchVerb, minimum: 3) {
        }
        strip(&word, Suffixes.finalE, minimum: 3)
    }

    /// Plurals, -ción, -mente, participles and the common verb endings; the final vowel goes, so `pago`,
    /// `pagar`, `pagaron` and `pagado` meet.
    private static func spanish(_ word: inout [UInt8]) {
        guard word.count > 3 else { return }
        if strip(&word, Suffixes.spanishCion, minimum: 3, replacement: "c") {
            return
        }
        if strip(&word, Suffixes.mente, minimum: 4) { return }
        if strip(&word, Suffixes.spanishVerbNoun, minimum: 3) {
        }
        strip(&word, Suffixes.plural, minimum: 3)
        strip(&word, Suffixes.finalVowel, minimum: 4)
    }

    /// Plurals, -ção/-ções, -mente, participles and the common verb endings.
    private static func portuguese(_ word: inout [UInt8]) {
        guard word.count > 3 else { return }
        if strip(&word, Suffixes.portugueseCao, minimum: 3, replacement: "c") { return }
        if strip(&word, Suffixes.mente, minimum: 4) { return }
        if strip(&word, Suffixes.portugueseVerbNoun, minimum: 3) {
        }
        strip(&word, Suffixes.plural, minimum: 3)
        strip(&word, Suffixes.finalVowel, minimum: 4)
    }

    // MARK: - Arabic

    private static let arabicPrefixes: [[Unicode.Scalar]] = [
        "وال", "فال", "بال", "كال", "لل", "ال", "و",
    ].map { Array($0.unicodeScalars) }
    private static let arabicSuffixes: [[Unicode.Scalar]] = [
        "ات", "ون", "ين", "وا", "ها", "هم", "كم", "نا", "ني", "ي", "ه", "ك", "ا",
    ].map { Array($0.unicodeScalars) }

    /// Strips the article ال, alone or after one of the attached particles و ف ب ك ل (`والبيانات`, `بالمهمة`,
    /// `للعمال`), when at least three letters stay, and the conjunction و alone when at least four stay. ف ب ل
    /// alone are left: they begin too many roots (`بيانات`, `فلوس`, `لازم`) and cutting them cost more matches
    /// than it gained on the regression phrases. Then up to two plural, pronoun or case suffixes go on the same
    /// conditions (the accusative `ا` of `موظفا`, `حبوبا` too).
    private static func arabic(_ word: String) -> String {
        var letters = Array(word.unicodeScalars)
        for prefix in arabicPrefixes
        where letters.count - prefix.count >= (prefix.count == 1 ? 4 : 3) && letters.starts(with: prefix) {
            letters.removeFirst(prefix.count)
            break
        }
        // Two passes: a pronoun after a plural or verb ending (`بياناتي` → `بيانات` → `بيان`,
        // `تقدمونها` → `تقدمون` → `تقدم`).
        for _ in 0..<2 {
            guard let suffix = arabicSuffixes.first(where: { suffix in
                letters.count - suffix.count >= (suffix.count == 1 ? 4 : 3)
                    && letters.reversed().starts(with: suffix.reversed())
            }) else { break }
            letters.removeLast(suffix.count)
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: letters)
        return String(view)
    }
}

/// The suffix lists, built once (an array literal in the call would be allocated on every word).
private enum Suffixes {
    static let ies: [StaticString] = ["ies"]
    static let sses: [StaticString] = ["sses"]
    static let adverbialParticiples: [StaticString] = ["ingly", "edly"]
    static let ing: [StaticString] = ["ing"]
    static let ed: [StaticString] = ["ed"]
    static let ationItion: [StaticString] = ["ation", "ition"]
    static let tion: [StaticString] = ["tion"]
    static let englishNounAdverb: [StaticString] = ["ment", "ness", "ful", "ly"]
    static let finalE: [StaticString] = ["e"]
    static let iz: [StaticString] = ["iz"]
    static let frenchPlural: [StaticString] = ["s", "x"]
    static let frenchMent: [StaticString] = ["issement", "ement", "ment"]
    static let frenchVerb: [StaticString] = [
        "eront", "erait", "erais", "aient", "erons", "erez", "ions", "iez", "ait", "ais", "ant", "ons", "ent", "ez",
        "er", "ir", "ee", "ie", "e",
    ]
    static let spanishCion: [StaticString] = ["ciones", "cion"]
    static let mente: [StaticString] = ["amente", "mente"]
    static let spanishVerbNoun: [StaticString] = [
        "aciones", "adoras", "adores", "ieron", "aron", "ando", "iendo", "ados", "adas", "idos", "idas", "ado",
        "ada", "ido", "ida", "amos", "emos", "imos", "aba", "ian", "ar", "er", "ir", "an", "en", "as", "es", "os",
        "a", "e", "o",
    ]
    static let plural: [StaticString] = ["s"]
    static let finalVowel: [StaticString] = ["a", "e", "o", "i"]
    static let portugueseCao: [StaticString] = ["coes", "cao"]
    static let portugueseVerbNoun: [StaticString] = [
        "aram", "eram", "iram", "ando", "endo", "indo", "ados", "adas", "idos", "idas", "ado", "ada", "ido", "ida",
        "amos", "emos", "imos", "ava", "ou", "eu", "iu", "ar", "er", "ir", "am", "em", "as", "es", "os", "a", "e",
        "o",
    ]
}
