/// Which language a short message is in. Chat messages are too short for statistical models, so the clues are
/// the ones a person would use: the script (Arabic letters mean Arabic), then which languages' function words
/// and which languages' answer files use the message's words. The conversation's language (`hint`) wins when
/// it is about as likely as the best, so that "ok" or "menu" keeps the conversation where it is.
enum LanguageDetector {
    /// A stopword counts fully; a word seen in a language's examples counts half, in its answers a quarter
    /// more. A word shared by several languages is split between them (`a` says little, `the` says English).
    static let stopwordClue = 1.0
    static let exampleClue = 0.5
    static let vocabularyClue = 0.25
    /// How close to the best the hinted language must be to be kept.
    static let hintRatio = 0.75

    static func detect(_ tokens: [Token], features: [WordFeatures], hint: Language?) -> Language? {
        var scores = [Double](repeating: 0, count: Language.allCases.count)
        var arabicWords = 0
        var latinWords = 0
        for (token, feature) in zip(tokens, features) {
            switch token.script {
            case .arabic:
                arabicWords += 1
            case .latin:
                latinWords += 1
                add(feature.stopwordMask, stopwordClue, to: &scores)
                add(feature.exampleMask, exampleClue, to: &scores)
                add(feature.vocabularyMask, vocabularyClue, to: &scores)
            case .digits, .other:
                continue
            }
        }
        if arabicWords > 0 && arabicWords >= latinWords { return .ar }
        let best = scores.max() ?? 0
        // Arabizi is Arabic: answered in Arabic, never in the Latin-script language its letters resemble.
        let arabizi = Arabizi.clues(in: tokens)
        if arabizi >= Arabizi.sufficientClues || (arabizi > 0 && (best < stopwordClue || hint == .ar)) {
            return .ar
        }
        guard best > 0 else { return nil }
        if let hint, scores[hint.index] >= best * hintRatio { return hint }
        return Language.allCases.first { scores[$0.index] == best }
    }

    private static func add(_ mask: UInt8, _ weight: Double, to scores: inout [Double]) {
        guard mask != 0 else { return }
        let share = weight / Double(mask.nonzeroBitCount)
        for index in 0..<scores.count where mask & (1 << UInt8(index)) != 0 {
            scores[index] += share
        }
    }
}

/// Arabic written in Latin letters, with digits for the sounds Latin lacks (`3` ع, `7` ح, `2` ء, `5` خ, `9` ق):
/// "ana ta3ban, el requester rafad kol shoghli". Its clues are such digits inside words and words that are
/// Arabizi in no other shipped language; two clues are enough, one when nothing else says which language.
enum Arabizi {
    static let sufficientClues = 2

    static func clues(in tokens: [Token]) -> Int {
        var count = 0
        for (position, token) in tokens.enumerated() {
            switch token.script {
            case .latin:
                if words.contains(token.text) { count += 1 }
            case .digits:
                guard token.text.utf8.count == 1, let digit = token.text.utf8.first, soundDigits.contains(digit)
                else { continue }
                let previous = position > 0 && token.isJoined && tokens[position - 1].script == .latin
                    ? tokens[position - 1].text : nil
                let next = position + 1 < tokens.count && tokens[position + 1].isJoined
                    && tokens[position + 1].script == .latin ? tokens[position + 1].text : nil
                guard previous != nil || next != nil else { continue }
                // 3rd, 2pm, 5k, mp3, h2o, b2b: digits English and French also glue to letters.
                if let next, latinSuffixes.contains(next) { continue }
                if let previous, latinPrefixes.contains(previous) { continue }
                count += 1
            case .arabic, .other:
                continue
            }
        }
        return count
    }

    /// ASCII `2`, `3`, `5`, `7`, `9`.
    static let soundDigits: Set<UInt8> = [0x32, 0x33, 0x35, 0x37, 0x39]
    static let latinSuffixes: Set<String> = [
        "st", "nd", "rd", "th", "am", "pm", "k", "m", "h", "x", "s", "d", "g", "gb", "mb", "min", "mn", "hr", "hrs",
        "e", "eme", "er", "ere", "o", "a", "ro", "do", "to", "usd", "eur", "euros", "dollars", "b", "p", "v",
    ]
    static let latinPrefixes: Set<String> = [
        "mp", "h", "b", "a", "g", "x", "ps", "p", "covid", "web", "windows", "win", "iphone", "level", "lvl", "f",
        "n", "v", "t", "s", "w", "q", "r", "ar", "es", "en", "fr", "pt",
    ]
    /// Common Arabizi words (Levantine, Egyptian, Gulf, Maghrebi) that are not words of English, French,
    /// Spanish or Portuguese. `el`, `ya`, `fi`, `bas` and `eh` are left out on purpose: they are.
    static let words: Set<String> = [
        "ana", "enta", "enty", "enti", "inta", "inti", "ehna", "ento", "intu", "entu", "howa", "huwa", "heya",
        "hiya", "mesh", "msh", "mish", "mush", "mosh", "mafi", "mafish", "mafeesh", "mafesh", "maalesh", "leh",
        "leeh", "lesh", "leish", "ezay", "izzay", "izay", "keda", "kda", "kaman", "kamaan", "wallah", "wallahi",
        "walla", "yalla", "yallah", "khalas", "khalass", "inshallah", "inchallah", "habibi", "shukran",
        "shokran", "choukran", "chokran", "kteer", "ktir", "kter", "awi", "gedan", "geddan",
        "tayeb", "tayyib", "lazem", "lazim", "bidi", "baddi", "biddi", "ayez", "ayza", "awez", "shu", "shou",
        "wein", "fein", "feen", "emta", "imta", "kol", "kul", "kolo", "kullo", "shoghl", "shoghli",
        "shughl", "shogl", "shoghol", "floos", "fulus", "flous", "masari", "momken", "mumkin", "yani",
        "akhi", "ukhti", "rafad", "rafado", "rafdo", "tabaan", "mahdash", "hada",
        "hatha", "hadha", "ahlan", "marhaba", "salamu", "alaykum",
        "sahbi", "khouya", "wach", "wesh", "bghit", "bzaf", "bezzaf", "chno", "chnou", "dyali", "dyal", "ndir", "kifach",
    ]
}
