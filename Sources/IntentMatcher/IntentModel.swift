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
    struct Document: Sendable {
        var keys: [TextFeatures.Key]
        var intent: Int
        /// Its English word vector, if it is in English and has one.
        var wordVector: [Float]?
    }

    /// The documents of `index`: every example in its own language (with its word vector from
    /// `exampleVectors`, in example order), and every intent id, read as English.
    static func documents(_ index: MatcherIndex, exampleVectors: [[Float]?] = [], vectors: WordVectors? = nil)
        -> [Document] {
        var documents = Parallel.map(Array(index.examples.enumerated())) { position, example in
            let tokens = TextNormalizer.tokens(example.text)
            let terms = tokens.map { index.features(of: $0).terms[example.language.index] }
            let wordVector = position < exampleVectors.count ? exampleVectors[position] : nil
            return Document(keys: TextFeatures.keys(tokens: tokens, terms: terms), intent: example.intent,
                            wordVector: wordVector)
        }
        documents.reserveCapacity(index.examples.count + index.intentIDs.count)
        documents += idDocuments(index) { vectors?.vector(of: $0) }
        return documents
    }

    /// Every intent's id read as English words (`pay-missing`: "pay missing"), with its word vector.
    static func idDocuments(_ index: MatcherIndex, vector: ([String]) -> [Float]?) -> [Document] {
        index.intentIDs.enumerated().map { intent, id in
            let tokens = TextNormalizer.tokens(id.replacingOccurrences(of: "-", with: " ")
                .replacingOccurrences(of: "_", with: " "))
            let terms = tokens.map { index.features(of: $0).terms[Language.en.index] }
            return Document(keys: TextFeatures.keys(tokens: tokens, terms: terms), intent: intent,
                            wordVector: vector(tokens.map(\.text)))
        }
    }

    /// The same documents as `documents(_:)` without word vectors, made from the answer set and its analyzer
    /// alone, so that they can be made (and the model trained) while the index is being built: an example's
    /// terms are `Analyzer.terms` of its words, which is what the index holds for them.
    static func documents(_ answers: AnswerSet, analyzer: Analyzer) -> [Document] {
        let intents = MatcherIndex.orderedIntents(answers)
        let examples = MatcherIndex.orderedExamples(intents)
        var documents = Parallel.map(examples, minimumChunk: 1_024) { example in
            let tokens = TextNormalizer.tokens(example.text)
            let terms = tokens.map { analyzer.terms($0)[example.language.index] }
            return Document(keys: TextFeatures.keys(tokens: tokens, terms: terms), intent: example.intent,
                            wordVector: nil)
        }
        documents.reserveCapacity(examples.count + intents.count)
        for (intent, id) in intents.map(\.id).enumerated() {
            let tokens = TextNormalizer.tokens(id.replacingOccurrences(of: "-", with: " ")
                .replacingOccurrences(of: "_", with: " "))
            let terms = tokens.map { analyzer.terms($0)[Language.en.index] }
            documents.append(Document(keys: TextFeatures.keys(tokens: tokens, terms: terms), intent: intent,
                                      wordVector: nil))
        }
        return documents
    }

    init(features: TextFeatures, regression: SoftmaxRegression) {
        self.features = features
        self.regression = regression
    }

    /// The training set as vectors of one vocabulary: built once, then used for the model and for every
    /// cross-validation fold (the raw keys, several times larger, are let go).
    struct TrainingSet {
        let features: TextFeatures
        let examples: [(vector: TextFeatures.Vector, label: Int)]
        let classes: Int

        init(_ documents: consuming [Document], classes: Int, vectorDimensions: Int = 0, vectorWeight: Float = 0) {
            let features = TextFeatures(documents: documents.lazy.map(\.keys), vectorDimensions: vectorDimensions,
                                        vectorWeight: vectorWeight)
            examples = Parallel.map(documents) { (features.vector($0.keys, wordVector: $0.wordVector), $0.intent) }
            self.features = features
            self.classes = classes
        }

        /// The training set of `index`'s examples, each with its word vector from `vectors` (none without), and
        /// of the intents' ids: the same vocabulary, in the same order, and the same vectors as
        /// `init(documents(index, exampleVectors:vectors:))`, made from the words the index numbered. Each
        /// word's character n-grams are cut and looked up once, at its first example, not at every example
        /// that has it: on 150 intents × 100 examples this was most of making the set (docs/benchmarks.md).
        init(index: MatcherIndex, vectors: ExampleVectors?, vectorDimensions: Int, vectorWeight: Float) {
            var builder = TextFeatures.Builder()
            // The order `TextFeatures.keys` gives: every term and each pair of neighbouring terms, then every word's
            // n-grams. A word's n-gram ids are the same at every example: kept from its first.
            var gramIDs = [[Int32]?](repeating: nil, count: index.wordList.count)
            var keys: [TextFeatures.Key] = []
            var known: [[Int32]] = []
            known.reserveCapacity(index.examples.count + index.intentIDs.count)
            for (position, example) in index.examples.enumerated() {
                let words = index.words(ofExample: position)
                var ids: [Int32] = []
                ids.reserveCapacity(words.count * 20)
                var previous: UInt64?
                for word in words {
                    let hash = index.wordList[Int(word)].termHashes[example.language.index]
                    ids.append(builder.id(TextFeatures.Key(word: hash)))
                    if let previous { ids.append(builder.id(TextFeatures.Key(word: TextFeatures.mix(previous, hash)))) }
                    previous = hash
                }
                for word in words {
                    if let kept = gramIDs[Int(word)] {
                        for gram in kept { ids.append(builder.counted(gram)) }
                        continue
                    }
                    keys.removeAll(keepingCapacity: true)
                    TextFeatures.appendGrams(of: index.wordList[Int(word)].text, to: &keys)
                    let found = keys.map { builder.id($0) }
                    gramIDs[Int(word)] = found
                    ids += found
                }
                known.append(ids)
                builder.endDocument()
            }
            let idDocuments = IntentModel.idDocuments(index) { vectors?.vector(of: $0) }
            for document in idDocuments {
                known.append(document.keys.map { builder.id($0) })
                builder.endDocument()
            }
            let features = TextFeatures(builder, vectorDimensions: vectorDimensions, vectorWeight: vectorWeight)
            let labels = index.examples.map(\.intent) + idDocuments.map(\.intent)
            let wordVectors = (vectors?.vectors ?? Array(repeating: nil, count: index.examples.count))
                + idDocuments.map(\.wordVector)
            let documents = known
            examples = Parallel.map(Array(documents.indices)) { position in
                var ids = documents[position]
                return (features.vector(known: &ids, wordVector: wordVectors[position]), labels[position])
            }
            self.features = features
            self.classes = index.intentIDs.count
        }
    }

    /// A model trained on `set`, or on the documents at `positions` only (a cross-validation fold: the
    /// held-out examples' words stay in the vocabulary, a small optimism the calibration accepts, since
    /// re-indexing per fold would cost more than the training; the weights start from zero, so nothing else
    /// of the held-out examples is in them).
    init(_ set: TrainingSet, positions: [Int]? = nil, options: SoftmaxRegression.Options) {
        var regression = SoftmaxRegression(classes: set.classes, features: set.features.dimensions)
        regression.train(positions.map { $0.map { set.examples[$0] } } ?? set.examples, options: options)
        self.init(features: set.features, regression: regression)
    }

    /// The probability of every intent for a message whose words are `tokens` with `words` their analyses,
    /// read in `language`. A word whose term no example has in that language uses its term in the first
    /// language that has one (as the lexical scorer does: `merci` in an English sentence).
    func probabilities(tokens: [Token], words: [WordFeatures], language: Language, wordVector: [Float]?,
                       grams: ModelWordGrams, into output: inout [Float]) {
        // The ids `features.vector(TextFeatures.keys(tokens:terms:))` finds, from what each word's analysis and
        // `grams` already hold: hashing the terms and the n-grams again and looking each up for every message
        // was a fifth of a match.
        var known: [Int32] = []
        known.reserveCapacity(words.count * 16)
        var previous: UInt64?
        for word in words {
            var hash = word.termHashes[language.index]
            var id = features.ids[TextFeatures.Key(word: hash).hash]
            if id == nil {
                for other in word.termHashes {
                    if let found = features.ids[TextFeatures.Key(word: other).hash] {
                        hash = other
                        id = found
                        break
                    }
                }
            }
            if let id { known.append(id) }
            if let previous, let pair = features.ids[TextFeatures.Key(word: TextFeatures.mix(previous, hash)).hash] {
                known.append(pair)
            }
            previous = hash
        }
        var keys: [TextFeatures.Key] = []
        for (token, word) in zip(tokens, words) {
            // A typo corrected to a known word has that word's analysis; its n-grams are of what was written.
            if word.slot >= 0 && word.text == token.text {
                known += grams.ids[Int(word.slot)]
            } else {
                keys.removeAll(keepingCapacity: true)
                TextFeatures.appendGrams(of: token.text, to: &keys)
                for key in keys { if let id = features.ids[key.hash] { known.append(id) } }
            }
        }
        regression.probabilities(features.vector(known: &known, wordVector: wordVector), into: &output)
    }
}

/// The ids, in a model's vocabulary, of the character n-grams of each word of the examples (by
/// `WordFeatures.slot`): worked out once per load, so that a message's words need no n-gram hashed or looked up.
/// Its n-grams that the vocabulary lacks are left out, as `TextFeatures.vector` leaves out unknown keys.
struct ModelWordGrams: Sendable {
    let ids: [[Int32]]

    init(_ index: MatcherIndex, features: TextFeatures) {
        var keys: [TextFeatures.Key] = []
        ids = index.slotWords.map { word in
            keys.removeAll(keepingCapacity: true)
            TextFeatures.appendGrams(of: word.text, to: &keys)
            return keys.compactMap { features.ids[$0.hash] }
        }
    }
}
