/// The synonym groups of `intents/synonyms.yaml` as lookups: a word as written, or its stem in the message's
/// language, gives the group's first word.
struct SynonymTable: Sendable {
    private var surface: [String: String] = [:]
    /// Per language, because a stem means something only in its language (`pag` is `pago` in Spanish, `page`
    /// in English).
    private var stemmed: [[String: String]] = Array(repeating: [:], count: Language.allCases.count)
    /// Every group's first word, normalised: the terms that stand for a concept an operator wrote down.
    private(set) var canonicals: Set<String> = []

    /// Words written in capitals in the groups whose lowercase is a function word (`TO` for Turkopticon, where
    /// `to` is English): they stand for their group only when a message has them in capitals too.
    private(set) var acronyms: [String: String] = [:]

    init(groups: [[String]]) {
        for group in groups {
            guard let first = group.first else { continue }
            let canonical = TextNormalizer.normalize(first)
            canonicals.insert(canonical)
            for word in group {
                let tokens = TextNormalizer.tokens(word)
                if tokens.count == 1, let token = tokens.first, token.isCapitals, Stopwords.all.contains(token.text) {
                    acronyms[token.text] = canonical
                    continue
                }
                for token in tokens {
                    if surface[token.text] == nil { surface[token.text] = canonical }
                    for language in Language.allCases {
                        let stem = Stemmer.stem(token.text, language: Self.stemmingLanguage(token, language))
                        // A stem of three letters or fewer is a word of its own somewhere (`val` of `valeu` is
                        // Portuguese `vale`, `era` of `erase` Spanish `era`): only the word as written counts.
                        guard stem == token.text || stem.unicodeScalars.count >= Self.minimumStemLength else {
                            continue
                        }
                        if stemmed[language.index][stem] == nil { stemmed[language.index][stem] = canonical }
                    }
                }
            }
        }
    }

    static let minimumStemLength = 4

    func canonical(surface word: String) -> String? { surface[word] }

    func canonical(stem: String, language: Language) -> String? { stemmed[language.index][stem] }

    /// Every stem → group mapping of `language`, for the index's table of stems.
    func stems(in language: Language) -> [String: String] { stemmed[language.index] }

    /// Arabic words take the Arabic stemmer whatever the message's language, and Latin words in an Arabic
    /// message (platform names mostly) the English one, the language most of those names come from.
    static func stemmingLanguage(_ token: Token, _ language: Language) -> Language {
        if token.script == .arabic { return .ar }
        return language == .ar ? .en : language
    }
}
