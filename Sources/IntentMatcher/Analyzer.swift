/// How one normalised word takes part in matching, in each language: its term (synonym group or stem) and its
/// character trigrams. Computed once per word of the answer files when the index is built, and on the fly for
/// words the index has never seen.
struct WordFeatures: Sendable {
    /// Languages whose examples or answers use this word, and languages whose stopword list has it (bit per
    /// `Language.allCases` index): the clues for language detection.
    var vocabularyMask: UInt8 = 0
    var stopwordMask: UInt8 = 0
    /// The term in each language (`Language.allCases` order): a synonym group's first word or a stem.
    var terms: [String]
    /// Per language, the term's id in the index, or -1 when no example has it.
    var termIDs: [Int32]
    var isStopword: Bool
    var script: Script
    /// The word's character trigrams as packed keys, and their ids in the index (-1: unknown).
    var gramKeys: [UInt64]
    var gramIDs: [Int32]

    /// The word's term id in the message's language, or, when no example has that term, in the first other
    /// language that has one: `ayudaa` in a message of unknown language, `merci` in an English sentence, a
    /// Spanish word in a Portuguese message. Returns the language index used too (-1 with the id when none).
    func termID(preferring language: Int) -> (id: Int32, language: Int) {
        let preferred = termIDs[language]
        if preferred >= 0 { return (preferred, language) }
        for index in termIDs.indices where termIDs[index] >= 0 { return (termIDs[index], index) }
        return (-1, language)
    }
}

/// Turning tokens into terms and trigrams; shared by the index (for examples) and the matcher (for messages),
/// so that both sides are always treated alike.
struct Analyzer: Sendable {
    let synonyms: SynonymTable

    /// The term of `token` in `language`: synonym of the word as written, else synonym of its stem, else the stem.
    func term(_ token: Token, language: Language) -> String {
        if token.script == .digits { return token.text }
        if let canonical = synonyms.canonical(surface: token.text) { return canonical }
        let stemLanguage = SynonymTable.stemmingLanguage(token, language)
        let stem = Stemmer.stem(token.text, language: stemLanguage)
        return synonyms.canonical(stem: stem, language: stemLanguage) ?? stem
    }


    static let gramBoundaryStart: UInt64 = 0x110001
    static let gramBoundaryEnd: UInt64 = 0x110002

    /// Trigrams of the word with boundary markers (`^ho hol ola la$`), each packed as three 21-bit code points
    /// in a UInt64 so that looking one up costs an integer hash, not a string. Digits make none: numbers are
    /// compared as whole words.
    static func gramKeys(_ token: Token) -> [UInt64] {
        guard token.script != .digits else { return [] }
        var points: [UInt64] = [gramBoundaryStart]
        points.reserveCapacity(token.text.unicodeScalars.count + 2)
        for scalar in token.text.unicodeScalars { points.append(UInt64(scalar.value)) }
        points.append(gramBoundaryEnd)
        guard points.count >= 3 else { return [] }
        var keys: [UInt64] = []
        keys.reserveCapacity(points.count - 2)
        for index in 0..<(points.count - 2) {
            keys.append(points[index] << 42 | points[index + 1] << 21 | points[index + 2])
        }
        return keys
    }
}
