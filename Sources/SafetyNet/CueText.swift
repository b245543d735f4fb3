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
    /// Every other way a cue may read an Arabic word (`bare` first, when there is one), so that cues written in
    /// one form find the forms dialects write (`dialectReadings`).
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

    /// Forms of an Arabic word that the cues, written mostly in MSA's first person, would not find as written;
    /// found by a probe corpus written outside the cue files (2026-12-07), where dialect messages were missed:
    /// - a preposition glued on: ب "in", ل "to", ك "like" before the article (`بالكراج` → `الكراج`), and لل for
    ///   ل + ال (`للموت` → `الموت`);
    /// - the dialects' present and future prefixes on a verb: ب (Levantine, Egyptian), ه and ح (Egyptian,
    ///   Levantine future), ن (Maghrebi first person). Before ي ت ا they mark another person and come off
    ///   (`بيضربني` → `يضربني`, `هيقتلني` → `يقتلني`); before another letter they stand for the first person's
    ///   ا (`بجرح` → `اجرح` "I cut", `هرمي` → `ارمي` "I will throw"); before ن, both (`ننتحر` → `انتحر`).
    /// Only for words of four letters or more, which keeps short everyday words (`بنت`, `هدي`) as written.
    static func dialectReadings(_ scalars: [Unicode.Scalar]) -> [String] {
        guard scalars.count >= 4 else { return [] }
        let alef: Unicode.Scalar = "\u{0627}", lam: Unicode.Scalar = "\u{0644}", beh: Unicode.Scalar = "\u{0628}"
        let kaf: Unicode.Scalar = "\u{0643}", heh: Unicode.Scalar = "\u{0647}", hah: Unicode.Scalar = "\u{062D}"
        let noon: Unicode.Scalar = "\u{0646}", yeh: Unicode.Scalar = "\u{064A}", teh: Unicode.Scalar = "\u{062A}"
        func text(_ scalars: some Sequence<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(scalars)) }
        var readings: [String] = []
        let first = scalars[0], second = scalars[1]
        if (first == beh || first == lam || first == kaf) && second == alef && scalars[2] == lam {
            readings.append(text(scalars.dropFirst()))  // بالكراج → الكراج
        } else if first == lam && second == lam && scalars.count >= 5 {
            readings.append(text([alef] + scalars.dropFirst()))  // للموت → الموت
        }
        if first == beh || first == heh || first == hah || first == noon {
            if [yeh, teh, noon, alef].contains(second) { readings.append(text(scalars.dropFirst())) }
            // Before ن both: Levantine بنروح is "we go", Maghrebi ننتحر "I kill myself".
            if ![yeh, teh, alef].contains(second) { readings.append(text([alef] + scalars.dropFirst())) }
        }
        return readings
    }

    /// Whether typos are forgiven (Latin letters): worked out once per word, not once per cue list.
    let isLatin: Bool
}
