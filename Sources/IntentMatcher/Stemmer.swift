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
        if strip(&word, ["ies"], minimum: 2, replacement: "y") {
        } else if strip(&word, ["sses"], minimum: 2, replacement: "ss") {
        } else if word.last == 0x73, word.count > 3, !hasSuffix(word, "ss"), !hasSuffix(word, "us"),
                  !hasSuffix(word, "is") {
            word.removeLast()
        }
        if strip(&word, ["ingly", "edly"], minimum: 3) {
        } else if strip(&word, ["ing"], minimum: 3) || strip(&word, ["ed"], minimum: 3) {
            undouble(&word)
        } else if strip(&word, ["ation", "ition"], minimum: 4) {
        } else if strip(&word, ["tion"], minimum: 3, replacement: "t") {
        } else if strip(&word, ["ment", "ness", "ful", "ly"], minimum: 3) {
        }
        strip(&word, ["e"], minimum: 3)
        strip(&word, ["iz"], minimum: 2, replacement: "is")
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
        strip(&word, ["s", "x"], minimum: 3)
        if strip(&word, ["issement", "ement", "ment"], minimum: 4) {
        } else if strip(&word, ["ation", "ition"], minimum: 4) {
        } else if strip(&word, ["tion"], minimum: 3, replacement: "t") {
        } else if strip(&word, ["eront", "erait", "erais", "aient", "erons", "erez", "ions", "iez", "ait", "ais",
                                "ant", "ons", "ent", "ez", "er", "ir", "ee", "ie", "e"], minimum: 4) {
        }
        strip(&word, ["e"], minimum: 4)
    }

    /// Plurals, -ción, -mente, participles and the common verb endings; the final vowel goes, so `pago`,
    /// `pagar`, `pagaron` and `pagado` meet.
    private static func spanish(_ word: inout [UInt8]) {
        guard word.count > 3 else { return }
        if strip(&word, ["ciones", "cion"], minimum: 3, replacement: "c") {
            return
        }
        if strip(&word, ["amente", "mente"], minimum: 4) { return }
        if strip(&word, ["aciones", "adoras", "adores", "ieron", "aron", "ando", "iendo", "ados", "adas", "idos",
                         "idas", "ado", "ada", "ido", "ida", "amos", "emos", "imos", "aba", "ian", "ar", "er", "ir",
                         "an", "en", "as", "es", "os", "a", "e", "o"], minimum: 3) {
        }
        strip(&word, ["s"], minimum: 3)
        strip(&word, ["a", "e", "o", "i"], minimum: 4)
    }

    /// Plurals, -ção/-ções, -mente, participles and the common verb endings.
    private static func portuguese(_ word: inout [UInt8]) {
        guard word.count > 3 else { return }
        if strip(&word, ["coes", "cao"], minimum: 3, replacement: "c") { return }
        if strip(&word, ["amente", "mente"], minimum: 4) { return }
        if strip(&word, ["aram", "eram", "iram", "ando", "endo", "indo", "ados", "adas", "idos", "idas", "ado",
                         "ada", "ido", "ida", "amos", "emos", "imos", "ava", "ou", "eu", "iu", "ar", "er", "ir",
                         "am", "em", "as", "es", "os", "a", "e", "o"], minimum: 3) {
        }
        strip(&word, ["s"], minimum: 3)
        strip(&word, ["a", "e", "o", "i"], minimum: 4)
    }

    // MARK: - Arabic

    private static let arabicPrefixes: [[Unicode.Scalar]] = [
        "وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل",
    ].map { Array($0.unicodeScalars) }
    private static let arabicSuffixes: [[Unicode.Scalar]] = [
        "ات", "ون", "ين", "ها", "هم", "كم", "نا", "ي",
    ].map { Array($0.unicodeScalars) }

    /// Strips the article ال (alone or after و ف ب ك ل) when at least three letters stay, or one of the attached
    /// conjunctions and prepositions و ف ب ل when at least four stay (many roots start with those letters:
    /// لازم, فلوس, بحث), then one plural or pronoun suffix on the same condition.
    private static func arabic(_ word: String) -> String {
        var letters = Array(word.unicodeScalars)
        for prefix in arabicPrefixes
        where letters.count - prefix.count >= (prefix.count == 1 ? 4 : 3) && letters.starts(with: prefix) {
            letters.removeFirst(prefix.count)
            break
        }
        for suffix in arabicSuffixes
        where letters.count - suffix.count >= (suffix.count == 1 ? 4 : 3) && letters.reversed().starts(
            with: suffix.reversed()) {
            letters.removeLast(suffix.count)
            break
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: letters)
        return String(view)
    }
}
