public import IntentMatcher

/// What a worker can ask for in a word or two, in any supported language, whatever the matcher says.
public enum WorkerCommand: Sendable, Equatable {
    case help
    case human
    case more
    case language(Language)
    case forgetMe
    case stop
    /// A number answering a clarifying question ("2").
    case choice(Int)

    /// The words of each command, as workers type them. Compared after normalisation
    /// (case, accents and punctuation folded), so "Oublie-moi !" and "olvidame" match too.
    static let words: [(WorkerCommand, [String])] = [
        (.help, ["help", "menu", "aide", "ayuda", "ajuda", "مساعدة", "القائمة"]),
        (.human, ["human", "humain", "humano", "humana", "إنسان", "انسان"]),
        (.more, ["more", "plus", "mas", "más", "mais", "المزيد", "اكثر"]),
        (.forgetMe, ["forget me", "oublie moi", "oubliez moi", "olvidame", "olvídame", "esquece me", "esqueca me",
                     "esqueça me", "انسني"]),
        (.stop, ["stop", "arrete", "arrête", "para", "pare", "parar", "توقف"]),
    ]

    /// Words that introduce a language choice: `lang es`, `langue fr`, `idioma pt`, `لغة ar`.
    static let languageWords: Set<String> = ["lang", "language", "langue", "idioma", "lingua", "língua", "لغة", "اللغة"]

    /// Names of languages as workers may write them after a language word, or alone.
    static let languageNames: [String: Language] = [
        "en": .en, "english": .en, "anglais": .en, "ingles": .en, "inglés": .en, "انجليزي": .en,
        "fr": .fr, "french": .fr, "francais": .fr, "français": .fr, "frances": .fr, "francés": .fr, "فرنسي": .fr,
        "es": .es, "spanish": .es, "espagnol": .es, "espanol": .es, "español": .es, "espanhol": .es, "اسباني": .es,
        "pt": .pt, "portuguese": .pt, "portugais": .pt, "portugues": .pt, "português": .pt, "برتغالي": .pt,
        "ar": .ar, "arabic": .ar, "arabe": .ar, "árabe": .ar, "عربي": .ar, "العربية": .ar,
    ]

    private static let normalizedWords: [(WorkerCommand, Set<String>)] = words.map { command, list in
        (command, Set(list.map(TextNormalizer.normalize)))
    }
    private static let normalizedLanguageWords = Set(languageWords.map(TextNormalizer.normalize))
    private static let normalizedLanguageNames = Dictionary(
        languageNames.map { (TextNormalizer.normalize($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })

    /// The command in `text`, or nil when it is an ordinary message for the matcher.
    /// Only short messages are commands: "stop" is one, "they stop paying me" is a question.
    public static func parse(_ text: String, choices: Int) -> WorkerCommand? {
        let normalized = TextNormalizer.normalize(text)
        guard !normalized.isEmpty, normalized.count <= 24 else { return nil }
        if let number = Int(normalized), choices > 0, (1...choices).contains(number) { return .choice(number) }
        for (command, words) in normalizedWords where words.contains(normalized) { return command }
        let parts = normalized.split(separator: " ").map(String.init)
        if parts.count == 2, normalizedLanguageWords.contains(parts[0]),
            let language = normalizedLanguageNames[parts[1]]
        {
            return .language(language)
        }
        return nil
    }
}
