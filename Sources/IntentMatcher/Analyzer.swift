/// How one normalised word takes part in matching, in each language: its term (synonym group or stem) and its
/// character trigrams. Computed once per word of the answer files when the index is built, and on the fly for
/// words the index has never seen. A class, so that handing one to the matcher costs one reference count.
final class WordFeatures: Sendable {
    /// Languages whose examples or answers use this word, and languages whose stopword list has it (bit per
    /// `Language.allCases` index): the clues for language detection.
    let vocabularyMask: UInt8
    /// Languages whose examples (not only answers) use the word: a stronger clue.
    let exampleMask: UInt8
    let stopwordMask: UInt8
    /// The term in each language (`Language.allCases` order): a synonym group's first word or a stem.
    let terms: [String]
    /// Per language, the term's id in the index, or -1 when no example or answer has it.
    let termIDs: [Int32]
    let isStopword: Bool
    /// A word of a topic the helpline never handles (`OffTopicWords`) that no example uses.
    let isOffTopic: Bool
    let script: Script
    /// The word's character trigrams as packed keys, and their ids in the index (-1: unknown).
    let gramKeys: [UInt64]
    let gramIDs: [Int32]
    /// For the learned model, worked out once per word rather than for every message that has it: the word as
    /// written (its character n-grams are of that text) and each language's term hashed as the model's word
    /// feature.
    let text: String
    let termHashes: [UInt64]
    /// A word of the examples, which most messages are made of, has a slot (0, 1, …; -1 for the others): where
    /// the matcher keeps its character n-grams' ids in the model's vocabulary (`ModelWordGrams`).
    let slot: Int32
    /// Its WordPiece pieces for the English word vectors (empty: it has none), for the words of English
    /// examples when the vectors are on; nil for the others, which a message's analysis cuts when it has them.
    /// Not for every word of the answers too: that made a kept model's load 10 ms longer for words messages
    /// seldom use.
    let vectorPieces: [Int32]?

    init(_ draft: WordDraft, text: String, termIDs: [Int32], gramIDs: [Int32], vectors: WordVectors?,
         slot: Int32 = -1) {
        self.text = text
        self.slot = slot
        termHashes = draft.terms.map { TextFeatures.hash($0, seed: TextFeatures.wordSeed) }
        vectorPieces = draft.exampleMask & Language.en.bit == 0 ? nil : vectors.map { $0.pieces(of: text) ?? [] }
        vocabularyMask = draft.vocabularyMask
        exampleMask = draft.exampleMask
        stopwordMask = draft.stopwordMask
        terms = draft.terms
        isStopword = draft.isStopword
        isOffTopic = draft.isOffTopic
        script = draft.script
        gramKeys = draft.gramKeys
        self.termIDs = termIDs
        self.gramIDs = gramIDs
    }

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

/// A word's analysis while the index is being built, before the vocabularies give ids.
struct WordDraft: Sendable {
    var vocabularyMask: UInt8 = 0
    var exampleMask: UInt8 = 0
    var stopwordMask: UInt8 = 0
    var terms: [String]
    var isStopword: Bool
    var isOffTopic = false
    var script: Script
    var gramKeys: [UInt64]
}

/// Turning tokens into terms and trigrams; shared by the index (for examples) and the matcher (for messages),
/// so that both sides are always treated alike.
struct Analyzer: Sendable {
    let synonyms: SynonymTable

    /// The term of `token` in `language`: synonym of the word as written, else synonym of its stem, else the stem.
    func term(_ token: Token, language: Language) -> String {
        terms(token)[language.index]
    }

    /// The token's term in every language (`Language.allCases` order). Languages that stem the token alike
    /// (all of them for an Arabic word, English and Arabic for a Latin one) share one computation.
    func terms(_ token: Token) -> [String] {
        if token.script == .digits { return Array(repeating: token.text, count: Language.allCases.count) }
        let surface = synonyms.canonical(surface: token.text)
        let stopwordMask = Stopwords.masks[token.text] ?? 0
        if let surface, stopwordMask == 0 || Stopwords.masks[surface] != nil {
            return Array(repeating: surface, count: Language.allCases.count)
        }
        var terms: [String] = []
        terms.reserveCapacity(Language.allCases.count)
        for language in Language.allCases {
            // A function word of the language stays itself there: Portuguese `qual` is "which", not the
            // English workers' `qual` (qualification), and `quem` is "who", not a stem of Spanish `quemado`.
            if stopwordMask & language.bit != 0 {
                terms.append(token.text)
                continue
            }
            if let surface {
                terms.append(surface)
                continue
            }
            let stemLanguage = SynonymTable.stemmingLanguage(token, language)
            // Arabic script stems alike in every language, and Latin script alike in English and Arabic.
            let earlier = token.script == .arabic ? 0 : stemLanguage.index
            if earlier < terms.count && stopwordMask & Language.allCases[earlier].bit == 0 {
                terms.append(terms[earlier])
                continue
            }
            let stem = Stemmer.stem(token.text, language: stemLanguage)
            terms.append(synonyms.canonical(stem: stem, language: stemLanguage) ?? stem)
        }
        return terms
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
