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
        guard let best = scores.max(), best > 0 else { return nil }
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
