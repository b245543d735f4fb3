import Foundation
import Synchronization

/// Matches a worker's message against the curated intents and decides what the helpline does: answer, ask to
/// choose, fall back honestly, or hand over to a volunteer. Built once per answer set (everything is computed
/// in `init`), then immutable and safe to share between tasks.
public struct Matcher: Sendable {
    public let answers: AnswerSet
    public let configuration: MatcherConfiguration
    let index: MatcherIndex
    let model: IntentModel
    /// The English examples' word vectors, for the similarity to an intent's nearest example (see `blend`).
    let exampleVectors: ExampleVectors
    /// The operating point found in the answer set (see `Calibration`); the configuration may override parts.
    public let calibration: Calibration
    /// The examples' words' n-grams in the model's vocabulary, which every model of one load shares (the final
    /// one and the calibration folds are trained on one vocabulary).
    let wordGrams: ModelWordGrams

    public init(answers: AnswerSet, configuration: MatcherConfiguration = .default) {
        self.init(answers: answers, configuration: configuration, trained: nil)
    }

    /// A matcher whose learned model and operating point are `trained` (read back by `Helpline.MatcherCache`):
    /// only the index is built. `trained` must come from the same answer set, settings and program
    /// (`trainingInput`); one that does not even fit (another number of intents, another vector block) is
    /// set aside and the model trained as usual.
    public init(answers: AnswerSet, configuration: MatcherConfiguration = .default, trained: TrainedState?) {
        let vectors = configuration.wordVectorWeight > 0 || configuration.similarityWeight > 0
            ? WordVectors.shipped : nil
        let vectorBlock = configuration.wordVectorWeight > 0 ? vectors?.dimensions ?? 0 : 0
        if let trained, trained.classes == answers.intents.count, trained.features.vectorDimensions == vectorBlock {
            let index = MatcherIndex(answers: answers, configuration: configuration, calibrates: false)
            self.init(answers: answers, configuration: configuration, index: index,
                      model: IntentModel(features: trained.features, regression: trained.regression),
                      exampleVectors: ExampleVectors(index, vectors: vectors), calibration: trained.calibration)
            return
        }
        let index: MatcherIndex
        let exampleVectors: ExampleVectors
        let set: IntentModel.TrainingSet
        var model: IntentModel?
        if vectors == nil {
            // The index and the learned model need only the analyzer: the model's documents are made and the
            // final model trained on one core while the index is built on another (on one core, in turn).
            let analyzer = Analyzer(synonyms: SynonymTable(groups: answers.synonyms))
            let built = Mutex<(MatcherIndex?, IntentModel.TrainingSet?, IntentModel?)>((nil, nil, nil))
            DispatchQueue.concurrentPerform(iterations: 2) { job in
                if job == 0 {
                    let index = MatcherIndex(answers: answers, configuration: configuration, analyzer: analyzer)
                    built.withLock { $0.0 = index }
                } else {
                    let set = IntentModel.TrainingSet(IntentModel.documents(answers, analyzer: analyzer),
                                                      classes: answers.intents.count)
                    built.withLock { $0.1 = set }
                    let model = IntentModel(set, options: configuration.training)
                    built.withLock { $0.2 = model }
                }
            }
            let parts = built.withLock { $0 }
            guard let builtIndex = parts.0, let builtSet = parts.1 else { preconditionFailure("index not built") }
            index = builtIndex
            set = builtSet
            model = parts.2
            exampleVectors = ExampleVectors(index, vectors: nil)
        } else {
            index = MatcherIndex(answers: answers, configuration: configuration)
            exampleVectors = ExampleVectors(index, vectors: vectors)
            set = IntentModel.TrainingSet(
                index: index, vectors: vectors == nil ? nil : exampleVectors, vectorDimensions: vectors?.dimensions ?? 0, vectorWeight: Float(configuration.wordVectorWeight))
        }
        precondition(set.examples.count == index.examples.count + index.intentIDs.count,
                     "the model's documents and the index's examples must be the same, in the same order")
        // The calibration folds (and the final model, if not trained yet) are independent trainings: side by
        // side on the cores there are.
        let untrained = IntentModel(features: set.features, regression: SoftmaxRegression(classes: set.classes, features: 0))
        let lexical = Matcher(answers: answers, configuration: configuration, index: index, model: untrained,
                              exampleVectors: exampleVectors, calibration: .fallback)
        let folds = lexical.calibrationFolds()
        let results = Mutex<[Int: FoldResult]>([:])
        let trainFinal = model == nil
        DispatchQueue.concurrentPerform(iterations: (trainFinal ? 1 : 0) + folds.count) { job in
            let result: FoldResult = trainFinal && job == folds.count
                ? .model(IntentModel(set, options: configuration.training))
                : lexical.heldOutRecords(set, fold: folds.assignment, current: job, of: folds.count)
            results.withLock { $0[job] = result }
        }
        let finished = results.withLock { $0 }
        if trainFinal, case .model(let trained) = finished[folds.count] { model = trained }
        guard let model else { preconditionFailure("the final model was not trained") }
        var records: [Calibration.Record] = []
        var outOfScope: [Double] = []
        for job in 0..<folds.count {
            if case .records(let fold, let negatives) = finished[job] {
                records += fold
                outOfScope += negatives
            }
        }
        let calibration = folds.count == 0 ? .fallback
            : Calibration(records: records, outOfScope: outOfScope, folds: configuration.calibrationFolds)
        self = Matcher(answers: answers, configuration: configuration, index: index, model: model,
                       exampleVectors: exampleVectors, calibration: calibration, wordGrams: lexical.wordGrams)
    }

    private enum FoldResult: Sendable {
        case model(IntentModel)
        case records([Calibration.Record], outOfScope: [Double])
    }

    private init(answers: AnswerSet, configuration: MatcherConfiguration, index: MatcherIndex, model: IntentModel,
                 exampleVectors: ExampleVectors, calibration: Calibration, wordGrams: ModelWordGrams? = nil) {
        self.answers = answers
        self.configuration = configuration
        self.index = index
        self.model = model
        self.exampleVectors = exampleVectors
        self.calibration = calibration
        self.wordGrams = wordGrams ?? ModelWordGrams(index, features: model.features)
    }

    /// Cross-validation (see `Calibration`): examples dealt into `calibrationFolds` folds, intent by intent, so
    /// that each fold holds a share of every intent; each example matched as a message by the model trained
    /// without its fold and by the lexical scorer without the example. Enough held-out examples make a stable
    /// operating point: a large set holds out only the first folds (150 intents × 100 examples: one fold, 5,000
    /// examples), which keeps its load under a second. `count` is how many folds are held out (0: too few
    /// examples or intents to calibrate).
    private func calibrationFolds() -> (assignment: [Int], count: Int) {
        let folds = configuration.calibrationFolds
        let exampleCount = index.examples.count
        guard folds >= 2, index.intentIDs.count >= 2, exampleCount >= 2 * folds else { return ([], 0) }
        var fold = [Int](repeating: 0, count: exampleCount)
        var dealt = [Int](repeating: 0, count: index.intentIDs.count)
        var sizes = [Int](repeating: 0, count: folds)
        for (position, example) in index.examples.enumerated() {
            fold[position] = dealt[example.intent] % folds
            dealt[example.intent] += 1
            sizes[fold[position]] += 1
        }
        var count = 0
        var heldOut = 0
        while count < folds && heldOut < configuration.calibrationExamples {
            heldOut += sizes[count]
            count += 1
        }
        return (fold, count)
    }

    /// The held-out records of fold `current` (of `count` held out): its examples matched by a model trained on
    /// the other folds; and the best scores of its share of the out-of-scope examples (dealt in turn to the
    /// held-out folds) matched by the same model, so that both are on the scale of a model that has not seen
    /// them. (Learning the out-of-scope examples as one more class of the model was measured and not kept:
    /// docs/benchmarks.md.)
    private func heldOutRecords(_ set: IntentModel.TrainingSet, fold: [Int], current: Int, of count: Int)
        -> FoldResult {
        let exampleCount = index.examples.count
        // Documents past the examples are the intents' ids: always trained on.
        let training = set.examples.indices.filter { $0 >= exampleCount || fold[$0] != current }
        // As many passes as the final model makes over the whole set: a fold is smaller, and with the step
        // budget alone it would train longer and be surer than the model it stands in for.
        var options = configuration.training
        let passes = options.epochs(set.examples.count)
        options.minimumEpochs = passes
        options.maximumEpochs = passes
        let foldModel = IntentModel(set, positions: training, options: options)
        var records: [Calibration.Record] = []
        // Every example of the fold, even when it holds far more than `calibrationExamples`: matching a third of
        // 150 × 100's 5,000 saved a tenth of a one-core load, but HWU64's whole set (a fold of 3,003) then answered
        // 0.4 points fewer questions rightly at its operating point (docs/benchmarks.md).
        for position in 0..<exampleCount where fold[position] == current && !index.indistinct[position] {
            let example = index.examples[position]
            let analysis = analyse(example.text, hint: example.language, excluding: position, model: foldModel)
            var best = 0
            var second = -1
            for intent in analysis.scores.indices where intent != best {
                if analysis.scores[intent] > analysis.scores[best] {
                    second = best
                    best = intent
                } else if second < 0 || analysis.scores[intent] > analysis.scores[second] {
                    second = intent
                }
            }
            let rank: Int? = best == example.intent ? 0 : second == example.intent ? 1 : nil
            records.append(Calibration.Record(
                best: analysis.scores[best], second: second >= 0 ? analysis.scores[second] : 0, rank: rank))
        }
        var outOfScope: [Double] = []
        for (position, example) in answers.orderedOutOfScope.enumerated() where position % count == current {
            outOfScope.append(analyse(example.text, hint: example.language, model: foldModel).scores.max() ?? 0)
        }
        return .records(records, outOfScope: outOfScope)
    }

    /// The learned model and the calibration, to be kept and read back (`init(answers:configuration:trained:)`).
    public var trainedState: TrainedState {
        TrainedState(features: model.features, regression: model.regression, calibration: calibration)
    }

    /// Everything of an answer set and the settings that the learned model and the calibration depend on, as
    /// bytes in an order that does not change from one run to the next (no dictionary order): what a kept
    /// `TrainedState` is keyed by, with the program itself. Bumped with the training's format.
    public static func trainingInput(_ answers: AnswerSet, configuration: MatcherConfiguration) -> [UInt8] {
        // Every text with its length in front: no separator a text could contain makes two sets read the same.
        var text = ""
        func put(_ field: String) { text += "\(field.utf8.count):" + field + "\n" }
        put("entraide-training-input 1")
        put("\(configuration)")
        for group in answers.synonyms {
            put("synonyms \(group.count)")
            group.forEach(put)
        }
        for intent in MatcherIndex.orderedIntents(answers) {
            put("intent \(intent.escalate.rawValue)")
            put(intent.id)
            for language in Language.allCases {
                let examples = intent.examples[language] ?? []
                put("examples \(language.rawValue) \(examples.count)")
                examples.forEach(put)
                if let answer = intent.answers[language] {
                    put("answer \(language.rawValue) \(answer.more == nil ? "short" : "short and more")")
                    put(answer.short)
                    if let more = answer.more { put(more) }
                }
            }
        }
        for language in Language.allCases {
            let examples = answers.outOfScope[language] ?? []
            put("out of scope \(language.rawValue) \(examples.count)")
            examples.forEach(put)
        }
        return Array(text.utf8)
    }

    /// The thresholds in force: the configuration's where it sets them, else the calibrated ones.
    public var answerThreshold: Double { configuration.answerThreshold ?? calibration.answerThreshold }
    var clarifyMargin: Double { configuration.clarifyMargin ?? calibration.clarifyMargin }
    var clarifyFloor: Double { configuration.clarifyFloor ?? calibration.clarifyFloor }

    /// What to do with `text`. `hint` is the conversation's language: it breaks ties in language detection
    /// (`menu`, `ok`) and stems the words when the text gives no clue. Only the first
    /// `configuration.maximumScalars` Unicode scalars are read. Never fails: empty, emoji-only or digit-only
    /// text falls back with a nil language. For `clarify`, `alternatives` are the choices (best first,
    /// including the best); otherwise the runners-up.
    public func match(_ text: String, language hint: Language? = nil) -> Match {
        decide(analyse(text, hint: hint))
    }

    /// The same decision as `match`, with the words as the matcher saw them and the best candidates with the
    /// example each came closest to.
    public func explain(_ text: String, language hint: Language? = nil) -> Explanation {
        let analysis = analyse(text, hint: hint, details: true)
        var explanation = Explanation(analysis: analysis, match: decide(analysis), index: index,
                                      calibration: calibration, text: text)
        explanation.wordVectorsEnabled = exampleVectors.wordVectors != nil
        explanation.wordVectorReference = exampleVectors.reference.map(Double.init)
        return explanation
    }

    /// The language the message seems to be in, or nil when it gives no clue (emoji, digits, unknown words).
    public func detectLanguage(_ text: String) -> Language? {
        let tokens = TextNormalizer.tokens(text, limit: configuration.maximumScalars)
        return LanguageDetector.detect(tokens, features: features(of: tokens), hint: nil)
    }

    /// How many of the message's words carry meaning: letters, not a function word of any language
    /// ("je suis en … je bosse sur" has one).
    public func contentWordCount(_ text: String) -> Int {
        TextNormalizer.tokens(text, limit: configuration.maximumScalars).count {
            $0.script != .digits && $0.text.unicodeScalars.count > 1 && !Stopwords.all.contains($0.text)
        }
    }

    // MARK: - Scoring

    /// A message taken apart and scored against every intent.
    struct Analysis {
        var tokens: [Token]
        var features: [WordFeatures]
        var language: Language?
        /// The language whose stems were used: the detected one, else the hint, else English.
        var stemmingLanguage: Language
        var hasLetters: Bool
        /// Per intent (index order): score, best example, and for explanations the parts of the score.
        var scores: [Double]
        /// The lexical scorer's part of `scores`, which urgent intents are judged on (see `decide`).
        var lexical: [Double] = []
        /// What the message's unknown and off-topic words leave of every non-urgent score (1: none of either).
        var penalty = 1.0
        var bestExample: [Int]
        /// The urgent intents the message has a telling word of, with the smallest share of the best score
        /// those words ask of it (see `MatcherIndex.urgentTerms`).
        var urgentEvidence: [Int: Double] = [:]
        var parts: [(term: Double, gram: Double, centroid: Double)] = []
        /// Where each sentence ends (token positions), for long messages (see `longMessageWords`).
        var sentenceEnds: [Int] = []
        /// Whether the message was given a word vector (read in English, see `blend`).
        var hasWordVector = false
        /// A story: `longMessageWords` content words or more over two sentences or more (see `decide`).
        var isStory = false
    }

    /// The message's tokens, read sentence by sentence (split after `.` or `;` and a space, `!`, `?`, `؟` and
    /// line breaks: places where the normaliser cuts words anyway, so the tokens are those of the whole text),
    /// and where each sentence ends.
    static func tokens(_ text: String, limit: Int) -> (tokens: [Token], sentenceEnds: [Int]) {
        var tokens: [Token] = []
        var ends: [Int] = []
        var budget = limit
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        func flush(_ end: String.UnicodeScalarView.Index) {
            guard budget > 0, start < end else { return }
            let sentence = String(scalars[start..<end])
            tokens += TextNormalizer.tokens(sentence, limit: budget)
            budget -= scalars.distance(from: start, to: end)
            if tokens.count > (ends.last ?? 0) { ends.append(tokens.count) }
        }
        // Scalars, not Characters: grapheme breaking cost more than the rest of the split (profiled).
        var previous: UInt32 = 0x20
        var position = scalars.startIndex
        while position < scalars.endIndex {
            let value = scalars[position].value
            let next = scalars.index(after: position)
            let ends = value == 0x21 || value == 0x3F || value == 0x061F || value == 0x0A
                || ((previous == 0x2E || previous == 0x3B) && value == 0x20)
            if ends {
                flush(next)
                start = next
            }
            previous = value
            position = next
        }
        flush(scalars.endIndex)
        return (tokens, ends)
    }

    /// A message of at least this many content words over two sentences or more is a story, and its unknown
    /// words (names, places, the platform's jargon) lower its scores only as much as those of its most
    /// helpline-like sentence do (of `minimumSentenceWords` content words or more). Which intent it is about
    /// still comes from all its words, so one stray word of a long story does not pick one.
    static let longMessageWords = 12
    static let minimumSentenceWords = 3
    /// How far above the answer threshold a story's best topic must be to be answered (see `decide`).
    /// 1.6 since 2026-12-07 (2 before): with the word vectors and a story's own lexical weight, the stories that
    /// 2 sent to a choice and 1.6 answers were answered rightly 87 times in 100 on intents/real-dev (asked to
    /// choose 67.4% → 54.3%, wrong answers 3.4% → 5.1%; intents/real, only measured: 67.9% → 59.2%, 4.5% → 6.6%).
    /// Answering is worth it while fewer than one in three of those would be wrong: an unneeded question costs
    /// half a wrong answer (`Calibration.clarifyCost`). 1.3 passed the issue's 8% of wrong answers (9.2%).
    static let storyAnswerFactor = 1.6

    func analyse(_ text: String, hint: Language?, details: Bool = false, excluding: Int = -1,
                 model: IntentModel? = nil) -> Analysis {
        let (tokens, sentenceEnds) = Self.tokens(text, limit: configuration.maximumScalars)
        let features = features(of: tokens)
        let language = LanguageDetector.detect(tokens, features: features, hint: hint)
        let stemming = language ?? hint ?? .en
        var analysis = Analysis(
            tokens: tokens, features: features, language: language, stemmingLanguage: stemming,
            hasLetters: tokens.contains { $0.script != .digits }, scores: [], bestExample: [])
        analysis.sentenceEnds = sentenceEnds
        score(&analysis, details: details, excluding: excluding)
        blend(&analysis, model: model ?? self.model, excluding: excluding)
        return analysis
    }

    /// Final scores: the learned model's probability blended with the lexical score, which brings what the
    /// model cannot learn from a few examples (synonym groups, answers' words, unknown and off-topic words
    /// lowering every score). Both lie in 0...1, and so does the blend.
    ///
    /// A message read in English, when the English examples have word vectors, adds a third part: its cosine
    /// with the nearest example of the intent, less the set's reference (`ExampleVectors.reference`), so that it
    /// lowers as well as raises. It weighs most for telling a question the helpline knows from one it does not
    /// (on BANKING77-OOS it lifted the AUROC from 87 to 88). Only the best intents get it (it costs a pass over
    /// their examples); the others move by the smallest of their adjustments, so that they stay below.
    private func blend(_ analysis: inout Analysis, model: IntentModel, excluding: Int) {
        analysis.lexical = analysis.scores
        guard analysis.hasLetters, !analysis.scores.isEmpty else { return }
        var wordVector: [Float]?
        if analysis.stemmingLanguage == .en, let vectors = exampleVectors.wordVectors {  // nil when turned off
            var pieces = zip(analysis.tokens, analysis.features).map { ExampleVectors.pieces(of: $0, $1, vectors) }
            for (position, canonical) in acronyms(in: analysis.tokens) {
                pieces[position] = vectors.pieces(of: canonical) ?? []
            }
            wordVector = exampleVectors.vector(pieceLists: pieces)
        }
        analysis.hasWordVector = wordVector != nil
        var probabilities = [Float](repeating: 0, count: analysis.scores.count)
        model.probabilities(tokens: analysis.tokens, words: analysis.features, language: analysis.stemmingLanguage,
                            wordVector: wordVector, grams: wordGrams, into: &probabilities)
        let lexicalWeight = analysis.isStory ? configuration.storyLexicalWeight : configuration.lexicalWeight
        // The model only sees the words it has learned: unknown and off-topic words lower its probability as they
        // lower the lexical score ("minimum wage for a football player" is not a question about pay).
        let penalty = analysis.penalty
        for intent in analysis.scores.indices {
            let learned = Double(probabilities[intent]) * penalty
            analysis.scores[intent] = (learned + lexicalWeight * analysis.lexical[intent]) / (1 + lexicalWeight)
        }
        let similarityWeight = configuration.similarityWeight
        guard let wordVector, similarityWeight > 0, let reference = exampleVectors.reference.map(Double.init) else {
            return
        }
        // The best few, kept in order by insertion (a sort per candidate was 4% of a match on 150 intents).
        var best = [Int]()
        best.reserveCapacity(Self.similarIntents + 1)
        for intent in analysis.scores.indices {
            let score = analysis.scores[intent]
            guard best.count < Self.similarIntents || score > analysis.scores[best[best.count - 1]] else { continue }
            var position = best.count
            while position > 0 && analysis.scores[best[position - 1]] < score { position -= 1 }
            best.insert(intent, at: position)
            if best.count > Self.similarIntents { best.removeLast() }
        }
        // Each of the best gets its nearest example's cosine, centred on the set's reference (`ExampleVectors.
        // reference`): closer than the examples usually are to each other raises the score, further lowers it. An
        // intent with no English example to compare with is left as it is. The others move by the smallest of the
        // best's adjustments, which keeps each of the best above them. An urgent intent (crisis) is raised but
        // never lowered: recall matters most there, and its examples are few and short.
        let weight = similarityWeight * penalty / (1 + lexicalWeight + similarityWeight)
        let query = ExampleVectors.quantize(wordVector)
        var adjustments = [Double](repeating: 0, count: best.count)
        for (rank, intent) in best.enumerated() {
            guard let similarity = exampleVectors.nearest(query, intent: intent, excluding: excluding) else { continue }
            adjustments[rank] = weight * (Double(similarity) - reference)
        }
        let others = adjustments.min() ?? 0
        for intent in analysis.scores.indices {
            var adjustment = best.firstIndex(of: intent).map { adjustments[$0] } ?? others
            if index.escalations[intent] == .urgent { adjustment = max(0, adjustment) }
            analysis.scores[intent] = min(1, max(0, analysis.scores[intent] + adjustment))
        }
    }

    /// How many of the best intents get the similarity part: the best two decide (answer, or ask between them),
    /// the third may overtake one of them.
    static let similarIntents = 3

    /// A loop rather than `tokens.map(index.features(of:))`: a partially applied method copies the index.
    private func features(of tokens: [Token]) -> [WordFeatures] {
        var features: [WordFeatures] = []
        features.reserveCapacity(tokens.count)
        for token in tokens { features.append(index.features(of: token)) }
        for (position, canonical) in acronyms(in: tokens) {
            if let known = index.word(canonical) { features[position] = known }
        }
        return features
    }

    /// Acronyms typed in capitals (`whats TO`), unless the whole message is shouted (`I WANT TO DIE`): the
    /// positions of those the answer set defines, with the word each stands for.
    private func acronyms(in tokens: [Token]) -> [(position: Int, canonical: String)] {
        guard !index.acronyms.isEmpty, tokens.contains(where: \.isCapitals) else { return [] }
        let capitals = tokens.count(where: \.isCapitals)
        let words = tokens.count(where: { $0.script == .latin && $0.text.utf8.count >= 2 })
        guard capitals == 1 || 2 * capitals <= words else { return [] }
        return tokens.indices.compactMap { position in
            guard tokens[position].isCapitals, let canonical = index.acronyms[tokens[position].text] else { return nil }
            return (position, canonical)
        }
    }

    /// TF-IDF cosine of the message with every example (terms and trigrams blended), an intent taking its best
    /// example's similarity blended with its centroid's. Only examples sharing a term or trigram are touched.
    ///
    /// Written for speed (it is most of the cost of a match): the query's norms come first, so that term and
    /// trigram weights can be scaled by their share and summed into one similarity per example as the posting
    /// lists are walked; repeated words need no merging for that (a dot product is linear), only for the norms,
    /// which a small open-addressing table adds up. Everything lives in one temporary allocation.
    private func score(_ analysis: inout Analysis, details: Bool, excluding: Int) {
        let languageIndex = analysis.stemmingLanguage.index
        let features = analysis.features
        var gramCount = 0
        for feature in features { gramCount += feature.gramIDs.count }
        let termCapacity = features.count
        var contentWords = 0
        var unknownWords = 0
        var offTopicWords = 0
        var termNormSquared = 0.0
        var gramNormSquared = 0.0
        var answerNormSquared = 0.0
        let exampleCount = index.examples.count
        let intentCount = index.intentIDs.count
        var scores = [Double](repeating: 0, count: intentCount)
        var bestExample = [Int](repeating: -1, count: intentCount)
        var parts: [(term: Double, gram: Double, centroid: Double)] = []

        // Query vectors: (id, weight) for terms, answer terms and trigrams, in one buffer.
        withUnsafeTemporaryAllocation(of: QueryEntry.self, capacity: 2 * termCapacity + gramCount + 1) { query in
            var termEnd = 0
            var gramEnd = termCapacity
            var answerEnd = termCapacity + gramCount
            let ends = analysis.sentenceEnds.isEmpty ? [features.count] : analysis.sentenceEnds
            var sentenceCounts = [(content: Int, unknown: Int, offTopic: Int)](repeating: (0, 0, 0), count: max(ends.count, 1))
            var sentence = 0
            var position = 0
            for feature in features {
                let factor = MatcherIndex.factor(feature, stopword: index.stopwordFactor, digit: index.digitFactor)
                var termID = feature.termID(preferring: languageIndex).id
                // Held out, an example's own words are new words (see `MatcherIndex.soleTerms`).
                if excluding >= 0 && termID >= 0 && index.soleTerms[Int(termID)] { termID = -1 }
                if !feature.isStopword && feature.script != .digits {
                    contentWords += 1
                    if termID < 0 { unknownWords += 1 }
                    if feature.isOffTopic { offTopicWords += 1 }
                    sentenceCounts[sentence].content += 1
                    if termID < 0 { sentenceCounts[sentence].unknown += 1 }
                    if feature.isOffTopic { sentenceCounts[sentence].offTopic += 1 }
                }
                position += 1
                if sentence < ends.count - 1 && position >= ends[sentence] { sentence += 1 }
                if termID >= 0 {
                    query[termEnd] = QueryEntry(id: termID, weight: index.termIDF[Int(termID)] * factor)
                    termEnd += 1
                    query[answerEnd] = QueryEntry(id: termID, weight: index.answerIDF[Int(termID)] * factor)
                    answerEnd += 1
                } else {
                    let weight = index.unknownIDF * factor
                    termNormSquared += weight * weight
                }
                for gramID in feature.gramIDs {
                    if gramID >= 0 {
                        query[gramEnd] = QueryEntry(id: gramID, weight: index.gramIDF[Int(gramID)] * factor)
                        gramEnd += 1
                    } else {
                        let weight = index.unknownIDF * factor
                        gramNormSquared += weight * weight
                    }
                }
            }
            let terms = UnsafeMutableBufferPointer(rebasing: query[0..<termEnd])
            let grams = UnsafeMutableBufferPointer(rebasing: query[termCapacity..<gramEnd])
            let answerTerms = UnsafeMutableBufferPointer(rebasing: query[(termCapacity + gramCount)..<answerEnd])
            for (intent, telling) in index.urgentTerms {
                for entry in terms {
                    guard let share = telling[entry.id] else { continue }
                    analysis.urgentEvidence[intent] = min(share, analysis.urgentEvidence[intent] ?? share)
                }
            }
            termNormSquared += Self.squaredNorm(terms, idCount: index.termIDF.count)
            gramNormSquared += Self.squaredNorm(grams, idCount: index.gramIDF.count)
            answerNormSquared = Self.squaredNorm(answerTerms, idCount: index.termIDF.count)

            let termShare = configuration.termWeight
            let centroidShare = configuration.centroidWeight
            let answerShare = configuration.answerWeight
            let termNorm = termNormSquared.squareRoot()
            let gramNorm = gramNormSquared.squareRoot()
            let answerNorm = answerNormSquared.squareRoot()
            let termScale = termNorm > 0 ? termShare / termNorm : 0
            let gramScale = gramNorm > 0 ? (1 - termShare) / gramNorm : 0
            let answerScale = answerNorm > 0 && answerShare > 0 ? answerShare / answerNorm : 0
            // What unknown and off-topic words leave of a score, for words counted over a text or a sentence. Urgent
            // intents are lowered by unknown words only, never by off-topic ones (see `OffTopicWords`).
            func penalties(content: Int, unknown: Int, offTopic: Int) -> (urgent: Double, other: Double) {
                guard content > 0 else { return (1, 1) }
                let unknownShare = Double(unknown) / Double(content)
                let offTopicShare = min(1, (Double(unknown) + configuration.offTopicWordWeight * Double(offTopic))
                    / Double(content))
                return (max(0, 1 - configuration.unknownWordPenalty * unknownShare),
                        max(0, 1 - configuration.unknownWordPenalty * offTopicShare))
            }
            var (urgentPenalty, penalty) = penalties(content: contentWords, unknown: unknownWords, offTopic: offTopicWords)
            if contentWords >= Self.longMessageWords && sentenceCounts.count >= 2 {
                analysis.isStory = true
                for counts in sentenceCounts where counts.content >= Self.minimumSentenceWords {
                    let sentence = penalties(content: counts.content, unknown: counts.unknown, offTopic: counts.offTopic)
                    urgentPenalty = max(urgentPenalty, sentence.urgent)
                    penalty = max(penalty, sentence.other)
                }
            }
            analysis.penalty = penalty

            // Per example: the blended similarity; per intent: best example, centroid and answer similarities.
            // With `details`, the term and trigram parts per example too.
            let detailCount = details ? 2 * exampleCount : 0
            withUnsafeTemporaryAllocation(of: Double.self, capacity: exampleCount + 3 * intentCount + detailCount) {
                buffer in
                buffer.initialize(repeating: 0)
                let dots = UnsafeMutableBufferPointer(rebasing: buffer[0..<exampleCount])
                let centroids = UnsafeMutableBufferPointer(rebasing: buffer[exampleCount..<(exampleCount + intentCount)])
                let answers = UnsafeMutableBufferPointer(
                    rebasing: buffer[(exampleCount + intentCount)..<(exampleCount + 2 * intentCount)])
                let best = UnsafeMutableBufferPointer(
                    rebasing: buffer[(exampleCount + 2 * intentCount)..<(exampleCount + 3 * intentCount)])
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: exampleCount) { touched in
                    var touchedCount = 0
                    for entry in terms {
                        index.termPostings.accumulate(entry.id, entry.weight * termScale, into: dots,
                                                      touched: touched, count: &touchedCount)
                        index.termCentroidPostings.accumulate(entry.id, entry.weight * termScale, into: centroids)
                    }
                    for entry in grams {
                        index.gramPostings.accumulate(entry.id, entry.weight * gramScale, into: dots,
                                                      touched: touched, count: &touchedCount)
                        index.gramCentroidPostings.accumulate(entry.id, entry.weight * gramScale, into: centroids)
                    }
                    if answerScale > 0 {
                        for entry in answerTerms {
                            index.answerPostings.accumulate(entry.id, entry.weight * answerScale, into: answers)
                        }
                    }
                    index.exampleIntents.withUnsafeBufferPointer { exampleIntents in
                        for position in 0..<touchedCount {
                            let example = Int(touched[position])
                            // Calibration matches an example against the others, not against itself.
                            if example == excluding { continue }
                            let similarity = dots[example]
                            let intent = Int(exampleIntents[example])
                            if similarity > best[intent] || (similarity == best[intent] && example < bestExample[intent]) {
                                best[intent] = similarity
                                bestExample[intent] = example
                            }
                        }
                    }
                }
                index.escalations.withUnsafeBufferPointer { escalations in
                    for intent in 0..<intentCount {
                        // At most 1: the answers' weak evidence is added on top of a similarity that may be 1.
                        let raw = (1 - centroidShare) * best[intent] + centroidShare * centroids[intent] + answers[intent]
                        scores[intent] = min(1, raw) * (escalations[intent] == .urgent ? urgentPenalty : penalty)
                    }
                }
                guard details else { return }
                let termDots = UnsafeMutableBufferPointer(
                    rebasing: buffer[(exampleCount + 3 * intentCount)..<(2 * exampleCount + 3 * intentCount)])
                let gramDots = UnsafeMutableBufferPointer(rebasing: buffer[(2 * exampleCount + 3 * intentCount)...])
                for entry in terms { index.termPostings.accumulate(entry.id, entry.weight, into: termDots) }
                for entry in grams { index.gramPostings.accumulate(entry.id, entry.weight, into: gramDots) }
                for intent in 0..<intentCount {
                    let example = bestExample[intent]
                    parts.append((
                        term: example >= 0 && termNorm > 0 ? termDots[example] / termNorm : 0,
                        gram: example >= 0 && gramNorm > 0 ? gramDots[example] / gramNorm : 0,
                        centroid: centroids[intent]))
                }
            }
        }
        analysis.scores = scores
        analysis.bestExample = bestExample
        analysis.parts = parts
    }

    struct QueryEntry {
        var id: Int32
        var weight: Double
    }

    /// The squared norm of a sparse vector whose ids (below `idCount`) may repeat (a word said twice weighs
    /// twice): repeated ids' weights are added up first. Repeats are rare, so a bit per id finds out whether
    /// there is any; only then does a small open-addressing table add them up (sorting cost more).
    private static func squaredNorm(_ vector: UnsafeMutableBufferPointer<QueryEntry>, idCount: Int) -> Double {
        let count = vector.count
        guard count > 1 else { return count == 1 ? vector[0].weight * vector[0].weight : 0 }
        let unique = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: idCount / 64 + 1) { bits in
            bits.initialize(repeating: 0)
            for entry in vector {
                let word = Int(entry.id) >> 6
                let bit = UInt64(1) << UInt64(entry.id & 63)
                if bits[word] & bit != 0 { return false }
                bits[word] |= bit
            }
            return true
        }
        if unique {
            var sum = 0.0
            for entry in vector { sum += entry.weight * entry.weight }
            return sum
        }
        var capacity = 16
        while capacity < 2 * count { capacity <<= 1 }
        let mask = capacity - 1
        return withUnsafeTemporaryAllocation(of: QueryEntry.self, capacity: capacity) { table in
            table.initialize(repeating: QueryEntry(id: -1, weight: 0))
            for entry in vector {
                var slot = Int(UInt32(bitPattern: entry.id) &* 2_654_435_761) & mask
                while table[slot].id >= 0 && table[slot].id != entry.id { slot = (slot + 1) & mask }
                table[slot].id = entry.id
                table[slot].weight += entry.weight
            }
            var sum = 0.0
            for entry in table where entry.id >= 0 { sum += entry.weight * entry.weight }
            return sum
        }
    }

    // MARK: - Deciding

    /// The decision from the scores. `alternatives` holds, best first, the other intents above `clarifyFloor`
    /// (at most `maximumAlternatives`); for `clarify`, whose `intent` is nil, it holds every close candidate
    /// including the best one, so that it is the list of choices to offer as it stands.
    func decide(_ analysis: Analysis) -> Match {
        let language = analysis.language
        guard analysis.hasLetters else {
            return Match(decision: .fallback, intent: nil, score: 0, language: language, alternatives: [])
        }
        let scores = analysis.scores
        // The best few intents, best first (ties: index order), without sorting them all.
        let keep = configuration.maximumAlternatives + 2
        var order: [Int] = []
        order.reserveCapacity(keep + 1)
        for intent in scores.indices where scores[intent] > 0 {
            guard order.count < keep || scores[intent] > scores[order[order.count - 1]] else { continue }
            var position = order.count
            while position > 0 && scores[order[position - 1]] < scores[intent] { position -= 1 }
            order.insert(intent, at: position)
            if order.count > keep { order.removeLast() }
        }
        let ranked = order.map { ScoredIntent(intent: index.intentIDs[$0], score: scores[$0]) }
        let offerable = ranked.filter { $0.score >= clarifyFloor }
        func alternatives(without chosen: String?) -> [ScoredIntent] {
            Array(offerable.filter { $0.intent != chosen }.prefix(configuration.maximumAlternatives))
        }

        // Urgent intents first, over any other intent and from a lower threshold, when the message has one of
        // their telling words (recall matters most there) and scores the share of the best score that the word
        // asks (none for "die", three quarters for "live" or "hurt", which have everyday senses too; see
        // `MatcherIndex.urgentTerms`). Without one, an urgent intent must come first on its own score like any
        // other ("I want a volunteer" shares "want" with "I want to die").
        // Judged on the lexical scores, whose telling words and threshold were set for recall (the crisis
        // examples are few, and a learned probability spread over many intents would miss some).
        var urgentIndex: Int?
        let lexical = analysis.lexical.isEmpty ? scores : analysis.lexical
        if let first = lexical.indices.max(by: { lexical[$0] < lexical[$1] }), lexical[first] > 0 {
            for intent in index.urgentIntents {
                guard lexical[intent] >= configuration.urgentThreshold, let share = analysis.urgentEvidence[intent],
                      lexical[intent] >= share * lexical[first] else { continue }
                if urgentIndex.map({ lexical[intent] > lexical[$0] }) ?? true { urgentIndex = intent }
            }
        }
        if let urgentIndex {
            let urgent = index.intentIDs[urgentIndex]
            return Match(decision: .escalate, intent: urgent, score: analysis.scores[urgentIndex],
                         language: language, alternatives: alternatives(without: urgent))
        }
        // A fallback's alternatives are the best guesses however low (for `intents match`, gaps and benchmarks:
        // what the matcher would have said); the helpline offers none of them to the worker.
        let guesses = Array(ranked.prefix(configuration.maximumAlternatives))
        // An urgent intent that is the best guess is never dropped silently: from the urgent threshold on, under
        // the floor of what is offered, the worker is still asked, the urgent intent first (a long message about
        // "dark thoughts" with no telling word of the examples; the safety net, before the matcher, is the
        // first line, and this is the matcher's own).
        if let first = order.first, scores[first] < clarifyFloor, scores[first] >= configuration.urgentThreshold,
           index.escalations[first] == .urgent, ranked.count >= 2 {
            return Match(decision: .clarify, intent: nil, score: scores[first], language: language,
                         alternatives: guesses)
        }
        guard let best = ranked.first, best.score >= clarifyFloor else {
            return Match(decision: .fallback, intent: nil, score: ranked.first?.score ?? 0, language: language,
                         alternatives: guesses)
        }
        let close = offerable.filter { best.score - $0.score <= clarifyMargin }
        // A story (a forum-style message of several sentences) mixes what happened, how it feels and what the
        // worker asks, and its scores are lower and flatter than a question's: measured on real forum messages
        // (intents/real-dev) by the first matcher, about as many confident answers were wrong as right (today's
        // figures: `storyAnswerFactor`). So a story is answered only
        // when one topic stands out by `storyAnswerFactor` times the threshold, or no other is close enough to
        // offer; otherwise the worker is offered the closest topics to choose from, which costs one reply where
        // a wrong answer costs their trust. Below the threshold too: a story whose best topic is still worth
        // offering gets the closest topics, the best with the next guesses (a choice has at least two), where a
        // question would fall back; on intents/real-dev, 2.5 more points of messages reached their topic.
        if analysis.isStory && best.score < Self.storyAnswerFactor * answerThreshold
            && (offerable.count >= 2 || best.score < answerThreshold) {
            let choices = offerable.count >= 2 ? offerable : Array(ranked.prefix(2))
            if choices.count >= 2 {
                return Match(decision: .clarify, intent: nil, score: best.score, language: language,
                             alternatives: Array(choices.prefix(configuration.maximumAlternatives)))
            }
        }
        if close.count >= 2 && best.score >= answerThreshold {
            return Match(decision: .clarify, intent: nil, score: best.score, language: language,
                         alternatives: Array(close.prefix(configuration.maximumAlternatives)))
        }
        guard best.score >= answerThreshold else {
            return Match(decision: .fallback, intent: nil, score: best.score, language: language,
                         alternatives: guesses)
        }
        let escalation = order.first.map { index.escalations[$0] } ?? .never
        let decision: Decision = escalation == .always || escalation == .urgent ? .escalate : .answer
        return Match(decision: decision, intent: best.intent, score: best.score, language: language,
                     alternatives: alternatives(without: best.intent))
    }
}
