/// A light Arabic stemmer of our own, kept where Snowball's Arabic algorithm cost matches: on the helpline's
/// normalised text (ة written ه, no tashkeel) it takes the first letter of short words for a prefix
/// (`فلوس` "money" → `لوس`, `بيان` → `يان`) and cuts `والبيانات` to `والبيانا`, where workers' words need the
/// root kept (measured by the stemming tests and the shipped Arabic phrases, 2026-12-05).
enum ArabicStemmer {
    static let arabicPrefixes: [[Unicode.Scalar]] = [
        "وال", "فال", "بال", "كال", "لل", "ال", "و",
    ].map { Array($0.unicodeScalars) }
    static let arabicSuffixes: [[Unicode.Scalar]] = [
        "ات", "ون", "ين", "وا", "ها", "هم", "كم", "نا", "ني", "ي", "ه", "ك", "ا",
    ].map { Array($0.unicodeScalars) }

    /// Strips the article ال, alone or after one of the attached particles و ف ب ك ل (`والبيانات`, `بالمهمة`,
    /// `للعمال`), when at least three letters stay, and the conjunction و alone when at least four stay. ف ب ل
    /// alone are left: they begin too many roots (`بيانات`, `فلوس`, `لازم`) and cutting them cost more matches
    /// than it gained on the regression phrases. Then up to two plural, pronoun or case suffixes go on the same
    /// conditions (the accusative `ا` of `موظفا`, `حبوبا` too).
    static func stem(_ word: String) -> String {
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
