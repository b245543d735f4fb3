import Testing
@testable import IntentMatcher

@Suite("Normalising text")
struct TextNormalizerTests {
    @Test(arguments: [
        ("Élève À L'École", "eleve a l ecole"),
        ("ÇA VA, Señor? Não!", "ca va senor nao"),
        ("Straße", "strasse"),
        ("cœur", "coeur"),
        // NFKC: ligatures, full-width and superscript forms.
        ("ﬁnance", "finance"),
        ("Ｈｅｌｌｏ　ｗｏｒｌｄ", "hello world"),
        ("x²", "x 2"),
        // Zero-width characters join, bidi controls vanish.
        ("hel\u{200B}lo wor\u{200D}ld", "hello world"),
        ("\u{202B}help\u{202C} me\u{2066}!\u{2069}", "help me"),
        ("\u{FEFF}hi", "hi"),
        // Punctuation to spaces, whitespace collapsed.
        ("  what's   up?!\n\tok...", "what s up ok"),
        // Letters typed three times or more count once.
        ("heyyy hiiii", "hey hi"),
        // Lower-casing İ adds a combining dot, dropped like every mark (found by fuzzing: the word was not Latin).
        ("İSTANBUL İstanbul", "istanbul istanbul"),
        // Letters and digits, Latin and Arabic, are different words.
        ("20min", "20 min"),
        ("وProlific", "و prolific"),
        ("", ""),
        ("🙂👍 !!! ...", ""),
    ])
    func latin(_ input: String, _ expected: String) {
        #expect(TextNormalizer.normalize(input) == expected)
    }

    @Test(arguments: [
        // Tashkeel removed, alef variants unified.
        ("أَهْلًا", "اهلا"),
        ("إلى آخر", "الي اخر"),
        // Tatweel removed, ta marbuta and alef maqsura unified.
        ("مـــرحبا", "مرحبا"),
        // A presentation form of tatweel with shadda is as invisible as tatweel (found by fuzzing).
        ("مر\u{FE7F}حبا", "مرحبا"),
        ("مدرسة على", "مدرسه علي"),
        // Arabic-Indic digits, Arabic punctuation.
        ("٣٠ يوم، حسنا؟", "30 يوم حسنا"),
        // Presentation forms (NFKC) fold to the base letters.
        ("\u{FEFB}", "لا"),
        // A right-to-left message wrapped in bidi controls.
        ("\u{200F}\u{202B}مرحبا\u{202C}", "مرحبا"),
    ])
    func arabic(_ input: String, _ expected: String) {
        #expect(TextNormalizer.normalize(input) == expected)
    }

    @Test func displayTextLosesControlsButKeepsLines() {
        let raw = "  Hi\u{0007} there\r\nsecond\tline\u{202E}evil\u{202C}\u{200B}\u{0085}\ne\u{0301}  \n"
        #expect(TextNormalizer.cleanForDisplay(raw) == "Hi there\nsecond lineevil\né")
        #expect(TextNormalizer.cleanForDisplay("\u{FEFF}\u{200F}مرحبا") == "مرحبا")
        #expect(TextNormalizer.cleanForDisplay("") == "")
    }

    @Test func invalidUTF8BecomesReplacementCharactersAndNoWords() {
        let text = String(decoding: [0xFF, 0xFE, 0x68, 0x69, 0xC3], as: UTF8.self)
        #expect(TextNormalizer.normalize(text) == "hi")
        #expect(TextNormalizer.cleanForDisplay(text) == "\u{FFFD}\u{FFFD}hi\u{FFFD}")
    }

    /// Words arrive at the stemmer normalised; forms of one word must meet. Snowball on text without accents
    /// leaves some French and Portuguese pairs apart (`rejetées`/`rejeté`, `payés`/`payer`,
    /// `contratações`/`contratação`): Snowball's French rules read accents that workers often do not type; their
    /// character n-grams still meet, and synonym groups join what matters.
    @Test(arguments: [
        ("rejected", "rejects", Language.en), ("organizing", "organized", .en), ("payments", "payment", .en),
        ("applying", "applied", .en), ("families", "family", .en),
        ("rejetés", "rejeter", .fr), ("paiements", "paiement", .fr), ("travaillait", "travailler", .fr),
        ("pagaron", "pagar", .es), ("rechazado", "rechazo", .es),
        ("rejeitado", "rejeitar", .pt), ("pagamentos", "pagamento", .pt),
        ("النقابة", "نقابة", .ar), ("بالمهمة", "مهمة", .ar), ("والبيانات", "بيانات", .ar),
    ])
    func lightStemmingBringsFormsTogether(_ first: String, _ second: String, _ language: Language) {
        let stem = { (word: String) in Stemmer.stem(TextNormalizer.normalize(word), language: language) }
        #expect(stem(first) == stem(second))
    }

    /// The hand-written English stripper cut these to other words (`apply` → `app`, `reply` → `rep`).
    @Test func snowballKeepsWordsApartThatTheOldStripperMerged() {
        #expect(Stemmer.stem("apply", language: .en) != Stemmer.stem("app", language: .en))
        #expect(Stemmer.stem("reply", language: .en) != Stemmer.stem("rep", language: .en))
        #expect(Stemmer.stem("family", language: .en) == Stemmer.stem("families", language: .en))
    }

    @Test func arabicPrefixesStayWhenTooFewLettersWouldRemain() {
        // ل, ف and ب start many roots: alone, they are not taken for prefixes; و is, before four letters.
        #expect(Stemmer.stem("لازم", language: .ar) == "لازم")
        #expect(Stemmer.stem("فلوس", language: .ar) == "فلوس")
        #expect(Stemmer.stem("بيان", language: .ar) == "بيان")
        #expect(Stemmer.stem("وزير", language: .ar) == "وزير")
        #expect(Stemmer.stem("وعمال", language: .ar) == "عمال")
    }

    @Test func arabicSuffixesGoInTwoPasses() {
        // A pronoun after a plural (بياناتي: my data), the accusative alif (موظفا), but never below three letters.
        #expect(Stemmer.stem("بياناتي", language: .ar) == "بيان")
        #expect(Stemmer.stem("موظفا", language: .ar) == "موظف")
        #expect(Stemmer.stem("حياتي", language: .ar) == "حيات")
    }

    @Test func capitalsAreNoted() {
        let tokens = TextNormalizer.tokens("whats TO, Ok X")
        #expect(tokens.map(\.isCapitals) == [false, true, false, false])
    }

    @Test func functionWordsStayThemselvesInTheirLanguage() {
        let analyzer = Analyzer(synonyms: SynonymTable(groups: [["qualification", "qual"], ["burnout", "quemado"],
                                                               ["delete", "erase"], ["thanks", "valeu"]]))
        let terms = analyzer.terms(Token(text: "qual", script: .latin))
        // English workers' `qual`; Portuguese "which".
        #expect(terms[Language.en.index] == "qualification")
        #expect(terms[Language.pt.index] == "qual")
        // Portuguese `quem` ("who") is not a stem of Spanish `quemado`.
        #expect(analyzer.terms(Token(text: "quem", script: .latin))[Language.pt.index] == "quem")
        // Stems of three letters stand for nothing (`era` is not `erase`, `vale` is not `valeu`).
        #expect(analyzer.terms(Token(text: "era", script: .latin))[Language.es.index] == "era")
        #expect(analyzer.terms(Token(text: "vale", script: .latin))[Language.pt.index] != "thanks")
    }
}
