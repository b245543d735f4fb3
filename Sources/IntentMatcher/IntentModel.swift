import Foundation

/// The learned half of the matcher: a multinomial logistic regression over the TF-IDF of words, word pairs and
/// character n-grams (`TextFeatures`), trained on the answer files' examples every time a set is loaded. It
/// learns which words tell intents apart, where the lexical scorer can only weigh a word by how many intents
/// use it; measured on public intent data nobody on the project wrote, it is what brought the matcher above a
/// standard TF-IDF baseline (docs/benchmarks.md).
struct IntentModel: Sendable {
    let features: TextFeatures
    let regression: SoftmaxRegression

    /// One training document: an example, or an intent's id read as words (`pay-missing`: "pay missing"), which
    /// operators choose to name the topic and which costs nothing to learn from.
    struct Document {
        var keys: [TextFeatures.Key]
        var intent: Int
    }

    /// The documents of `index`: every example in its own language, and every intent id.
    static func documents(_ index: MatcherIndex) -> [Document] {
        var documents: [Document] = []
        documents.reserveCapacity(index.examples.count + index.intentIDs.count)
        for example in index.examples {
            let tokens = TextNormalizer.tokens(example.text)
            let terms = tokens.map { index.features(of: $0).terms[example.language.index] }
            documents.append(Document(keys: TextFeatures.keys(tokens: tokens, terms: terms), intent: example.intent))
        }
        for (intent, id) in index.intentIDs.enumerated() {
            let tokens = TextNormalizer.tokens(id.replacingOccurrences(of: "-", with: " ")
                .replacingOccurrences(of: "_", with: " "))
            let terms = tokens.map { index.features(of: $0).terms[Language.en.index] }
            documents.append(Document(keys: TextFeatures.keys(tokens: tokens, terms: terms), intent: intent))
        }
        return documents
    }

    init(features: TextFeatures, regression: SoftmaxRegression) {
        self.features = features
        self.regression = regression
    }

    /// Trains on every document of `index`.
    init(index: MatcherIndex, documents: [Document], options: SoftmaxRegression.Options) {
        let features = TextFeatures(documents: documents.map(\.keys))
        var regression = SoftmaxRegression(classes: index.intentIDs.count, features: features.count)
        regression.train(documents.map { (features.vector($0.keys), $0.intent) }, options: options)
        self.init(features: features, regression: regression)
    }

    /// The same model retrained without `excluded` documents (same vocabulary and IDF: the held-out examples'
    /// words stay known, a small optimism the calibration accepts for a tenfold saving), from the current
    /// weights: the objective is convex, so the warm start changes how fast, not where, it converges.
    func retrained(on documents: [Document], options: SoftmaxRegression.Options) -> IntentModel {
        var regression = regression
        regression.train(documents.map { (features.vector($0.keys), $0.intent) }, options: options)
        return IntentModel(features: features, regression: regression)
    }

    /// The probability of every intent for a message whose words are `tokens` with `words` their analyses,
    /// read in `language`. A word whose term no example has in that language uses its term in the first
    /// language that has one (as the lexical scorer does: `merci` in an English sentence).
    func probabilities(tokens: [Token], words: [WordFeatures], language: Language, into output: inout [Float]) {
        var terms: [String] = []
        terms.reserveCapacity(words.count)
        for word in words {
            var term = word.terms[language.index]
            if features.ids[TextFeatures.hash(term, seed: TextFeatures.wordSeed)] == nil {
                for other in word.terms where features.ids[TextFeatures.hash(other, seed: TextFeatures.wordSeed)] != nil {
                    term = other
                    break
                }
            }
            terms.append(term)
        }
        regression.probabilities(features.vector(TextFeatures.keys(tokens: tokens, terms: terms)), into: &output)
    }
}
