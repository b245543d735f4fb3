import IntentMatcher

/// A message as the crisis cues see it: the words of the matcher's normalisation (lowercase, no accents or
/// tashkeel, Arabic letter variants unified, letters and digits apart), read twice: once with apostrophes
/// dropped (`don't` → `dont`, `j'en` → `jen`) and once with apostrophes as spaces (`j en`), so that a cue written
/// either way finds what workers type either way.
public struct CueText: Sendable {
    /// The readings of the message; a cue matches when it matches one of them.
    public internal(set) var readings: [[CueWord]]

    public init(_ text: String) {
        // Most texts have no apostrophe: both readings are then the same, normalised once (every message, every
        // cue at load; normalising twice and looking for apostrophes character by character was a fifth of the
        // safety net's load).
        guard Self.hasApostrophe(text) else {
            readings = [Self.words(TextNormalizer.normalize(text))]
            return
        }
        let joined = TextNormalizer.normalize(Self.replacingApostrophes(in: text, with: ""))
        let spaced = TextNormalizer.normalize(Self.replacingApostrophes(in: text, with: " "))
        readings = [Self.words(joined)]
        if spaced != joined { readings.append(Self.words(spaced)) }
    }

    /// The words of the first reading (apostrophes dropped), as text.
    static func firstReading(_ text: String) -> [String] {
        TextNormalizer.words(replacingApostrophes(in: text, with: ""))
    }

    static func words(_ normalized: String) -> [CueWord] {
        normalized.split(separator: " ").map { CueWord(String($0)) }
    }

    /// Every apostrophe workers type: ASCII, typographic, modifier letters, accents used as apostrophes.
    static let apostropheScalars: [UInt32] = [0x27, 0x2019, 0x2018, 0x02BC, 0x00B4, 0x60, 0x02B9]
    static let apostrophes = Set(apostropheScalars.map { Character(Unicode.Scalar($0)!) })

    /// Whether `text` has one of `apostrophes`, scalar by scalar (each is one scalar): no grapheme breaking, no
    /// hashing. A scalar found inside a larger character (an apostrophe with a combining mark) makes this true
    /// where `replacingApostrophes` replaces nothing: then both readings are the same text, as without it.
    static func hasApostrophe(_ text: String) -> Bool {
        text.unicodeScalars.contains { apostropheScalars.contains($0.value) }
    }

    static func replacingApostrophes(in text: String, with replacement: String) -> String {
        guard hasApostrophe(text) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            if apostrophes.contains(character) { result += replacement } else { result.append(character) }
        }
        return result
    }
}

/// One normalised word of a message, with what a cue may compare it with.
public struct CueWord: Sendable, Equatable {
    public var text: String
    /// The word without a leading conjunction (`و`, `ف`) glued to Arabic words: `وانتحر` is also `انتحر`.
    public var bare: String?
    /// Every other way a cue may read an Arabic word (`bare` first, when there is one): without a conjunction or
    /// a preposition glued on (`dialectReadings`).
    public var readings: [String] = []
    /// Unicode scalars, for the one-typo comparison of Latin words.
    var scalars: [Unicode.Scalar]
    /// Set when an idiom covered the word: it then matches no cue.
    var masked = false

    init(_ text: String) {
        self.text = text
        scalars = Array(text.unicodeScalars)
        isLatin = scalars.first.map { $0.value < 0x250 && $0.properties.isAlphabetic } ?? false
        if let first = scalars.first, first == "\u{0648}" || first == "\u{0641}", scalars.count >= 4 {
            bare = String(String.UnicodeScalarView(scalars.dropFirst()))
        }
        if let first = scalars.first, (0x0620...0x064A).contains(first.value) {
            if let bare { readings.append(bare) }
            for reading in Self.dialectReadings(Array((bare ?? text).unicodeScalars)) where reading != text
                && !readings.contains(reading) {
                readings.append(reading)
            }
        }
    }

    /// Forms of an Arabic word that the cues, written in MSA with the article, would not find as written: a
    /// preposition glued on, ب "in", ل "to", ك "like" before the article (`بالكراج` → `الكراج`), the dialects'
    /// demonstrative ه (`هالعيشه` "this life" → `العيشه`), and لل for ل + ال
    /// (`للموت` → `الموت`); found by a probe corpus written outside the cue files (2026-12-07). Only for words of
    /// four letters or more.
    ///
    /// Not the dialects' verb prefixes (ب, ه, ح, ن read as MSA's first person, `بجرح` → `اجرح`): measured and not
    /// kept. They found 5 more of 1,190 crisis phrasings, but turned everyday Egyptian and Levantine verbs into the
    /// cues' first-person acts (`هروح الدكتور بكره` "I'll go to the doctor tomorrow" → act اروح + time; `بنتحرك`
    /// "we move" → `انتحرك`, the suicide cue's prefix), which a review caught and the everyday texts had too few of
    /// to show. The dialect forms that matter are cues of their own (`بجرح|بقطع ... نفسي`, `هرمي|برمي نفسي`).
    static func dialectReadings(_ scalars: [Unicode.Scalar]) -> [String] {
        guard scalars.count >= 4 else { return [] }
        let alef: Unicode.Scalar = "\u{0627}", lam: Unicode.Scalar = "\u{0644}", beh: Unicode.Scalar = "\u{0628}"
        let kaf: Unicode.Scalar = "\u{0643}", heh: Unicode.Scalar = "\u{0647}"
        func text(_ scalars: some Sequence<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(scalars)) }
        let first = scalars[0], second = scalars[1]
        if (first == beh || first == lam || first == kaf || first == heh) && second == alef && scalars[2] == lam {
            return [text(scalars.dropFirst())]  // بالكراج → الكراج; هالعيشه ("this life") → العيشه
        }
        if first == lam && second == lam && scalars.count >= 5 {
            return [text([alef] + scalars.dropFirst())]  // للموت → الموت
        }
        return []
    }

    /// Whether typos are forgiven (Latin letters): worked out once per word, not once per cue list.
    let isLatin: Bool
}
