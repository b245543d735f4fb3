import Foundation

/// One entry of a posting list: an example (or an intent, for centroids) and the term's weight in its
/// L2-normalised vector.
struct Posting: Sendable {
    var target: Int32
    var weight: Float
}

/// Everything the matcher needs, computed once from the answer set: vocabularies with integer ids, IDF weights,
/// and posting lists from each term and trigram to the examples (and intent centroids) that contain it, so that
/// matching a message only touches the examples that share something with it.
///
/// Two feature spaces, each TF-IDF weighted and compared by cosine:
/// - terms: words after synonyms and stemming (`rejected`, `rechazado`, `rejeté` → `reject`);
/// - character trigrams of the words as written, with boundary markers, so that typos and forms the stemmer
///   misses still match (`humann`, `graciass`).
/// IDF counts intents, not examples: a word that every example of one intent uses is exactly what identifies it.
struct MatcherIndex: Sendable {
    struct Example: Sendable {
        var intent: Int
        var language: Language
        var text: String
    }

    let intentIDs: [String]
    let escalations: [Escalation]
    /// The intents that escalate `urgent`, in index order.
    let urgentIntents: [Int]
    let examples: [Example]
    /// The intent of each example, apart from `examples` so that the hot loop reads plain integers.
    let exampleIntents: [Int32]
    /// Examples whose words (as a set: order and repeats aside) also make an example of another intent. No
    /// matcher can tell which intent such a text asks for, so it says nothing about how well the set tells its
    /// intents apart, and calibration leaves it out (`Matcher.heldOutRecords`). A generic line written into
    /// several intents ("i have a question") is one; so are the filler lines of a converted public data set,
    /// which were a third of its held-out examples and dragged the answer threshold down (docs/benchmarks.md).
    /// Empty in an index built for a kept model (`calibrates` false), which has nothing to calibrate.
    let indistinct: [Bool]
    let analyzer: Analyzer
    let termIDs: [String: Int32]
    let gramIDs: [UInt64: Int32]
    let termIDF: [Double]
    let gramIDF: [Double]
    /// What a word or trigram that no example has weighs in a message: as much as the rarest known one, so that a
    /// message full of words the helpline has never seen ("weather", "nairobi") scores low everywhere.
    let unknownIDF: Double
    let termPostings: PostingLists
    let gramPostings: PostingLists
    let termCentroidPostings: PostingLists
    let gramCentroidPostings: PostingLists
    /// Per term, the intents whose answers use it (weighted by an IDF over answers): weak evidence that lets a
    /// worker's own words reach an intent whose examples do not have them but whose answer does.
    let answerPostings: PostingLists
    let answerIDF: [Double]
    /// Every word of the examples and answers, analysed in advance (the hot path's cache): its number in
    /// `wordList` by its text (`word(_:)`).
    private let wordIDs: TextTable
    /// The words of the examples by `WordFeatures.slot`.
    let slotWords: [WordFeatures]
    /// Every analysed word by its number in the index's vocabulary, and each example's words as those numbers
    /// (example `e`'s are `exampleWords[exampleWordStarts[e]..<exampleWordStarts[e + 1]]`): what the learned
    /// model's training set and the examples' word vectors are made of, without cutting the texts again.
    let wordList: [WordFeatures]
    let exampleWords: [Int32]
    let exampleWordStarts: [Int]
    /// The English word vectors when the matcher uses them: each word's pieces are cut once, with its analysis.
    let wordVectors: WordVectors?
    let stopwordFactor: Double
    let digitFactor: Double
    let corrector: SpellingCorrector
    /// Per language (`Language.allCases` order), a stem that belongs to a synonym group → the group's first word
    /// and its id (-1: no example has it). Any other stem is its own term (`termIDs`): a word no example or
    /// answer has costs one or two lookups per language.
    let stemTerms: [[String: StemTerm]]
    struct StemTerm: Sendable {
        var term: String
        var id: Int32
    }
    /// Acronyms typed in capitals → the analysed word of their group's first word (see `SynonymTable.acronyms`).
    let acronyms: [String: String]
    /// For each intent that escalates `urgent`, its telling words: synonym groups (concepts an operator wrote
    /// down: die, pills, suicide, hurt…) that its examples use more than any other intent's, each with the share
    /// of the best intent's score the urgent intent must reach to win with it:
    /// - 0 for a group only the urgent intent's examples use (at least twice): it wins from its low threshold
    ///   over any other intent ("my hit got rejected and I want to die");
    /// - `sharedUrgentShare` for a group it uses at least `strongUrgentRatio` times as often as all other
    ///   intents together: the word also has an everyday sense that some examples show ("I live in Kenya",
    ///   "will it hurt my rating"), so the message must be mostly about the crisis;
    /// - 1 for a group it uses more than half the time, shared with at most one other intent ("safe"): it must
    ///   come first.
    /// Words outside the groups are no evidence: "never", "tomorrow" or "enough" in a crisis example say
    /// nothing of a crisis.
    let urgentTerms: [Int: [Int32: Double]]
    /// Terms (stopwords aside) that one example alone uses and no answer does. Held out in calibration, that
    /// example is matched as if the helpline had never seen them: a worker's own new words lower a score
    /// (`MatcherConfiguration.unknownWordPenalty`), and an example matched with its own words counted as known
    /// scored higher than any worker's message would, which set the answer threshold too low.
    let soleTerms: [Bool]
    static let strongUrgentRatio = 3
    static let sharedUrgentShare = 0.75
    /// Terms that more than this share of the intents use (function words mostly: `my`, `de`, `que`), and trigrams
    /// that more than `commonGramShare` use, are left out of the posting lists (see step 4 of `init`).
    static let commonTermShare = 0.5
    static let commonGramShare = 0.34

    /// The answer set's intents in index order (by id): an intent's index is its position here.
    static func orderedIntents(_ answers: AnswerSet) -> [Intent] {
        answers.intents.values.sorted { $0.id < $1.id }
    }

    /// Every example in index order: intent by intent, then language by language, as the file lists them. The
    /// learned model's training documents follow the same order (`IntentModel.documents`).
    static func orderedExamples(_ intents: [Intent]) -> [Example] {
        var examples: [Example] = []
        for (intentIndex, intent) in intents.enumerated() {
            for language in Language.allCases {
                for text in intent.examples[language] ?? [] {
                    examples.append(Example(intent: intentIndex, language: language, text: text))
                }
            }
        }
        return examples
    }

    /// `indistinct`, for examples given as their words (their texts, or their numbers in the index's vocabulary)
    /// and intents. A word set is its words sorted, once each.
    static func indistinctExamples<Word: Hashable & Comparable>(_ words: [[Word]], intents: [Int]) -> [Bool] {
        var owners: [[Word]: Int] = [:]  // a word set, and its intent (-1: several)
        let keys = words.map { Array(Set($0)).sorted() }
        for (key, intent) in zip(keys, intents) where !key.isEmpty {
            if let owner = owners[key] {
                if owner != intent { owners[key] = -1 }
            } else {
                owners[key] = intent
            }
        }
        return keys.map { !$0.isEmpty && owners[$0] == -1 }
    }

    init(answers: AnswerSet, configuration: MatcherConfiguration, calibrates: Bool = true) {
        self.init(answers: answers, configuration: configuration,
                  analyzer: Analyzer(synonyms: SynonymTable(groups: answers.synonyms)), calibrates: calibrates)
    }

    init(answers: AnswerSet, configuration: MatcherConfiguration, analyzer: Analyzer, calibrates: Bool = true) {
        self.analyzer = analyzer
        let wordVectors = configuration.wordVectorWeight > 0 || configuration.similarityWeight > 0
            ? WordVectors.shipped : nil
        self.wordVectors = wordVectors
        stopwordFactor = configuration.stopwordWeight
        digitFactor = configuration.digitWeight
        let intents = Self.orderedIntents(answers)
        intentIDs = intents.map(\.id)
        let escalations = intents.map(\.escalate)
        self.escalations = escalations
        urgentIntents = escalations.indices.filter { escalations[$0] == .urgent }

        // 1. Analyse every word of the examples (and, for language detection, of the answers): the texts cut into
        // words and each distinct word analysed (stems, trigrams) on all the cores there are, since a load with
        // the model kept (`TrainedState`) is this index and little else. Each word is looked up by its text once,
        // here, and known by its number (`Vocabulary`) from then on: every later step walks integer arrays, where
        // string dictionaries were half of the index's build (2026-12-07, docs/benchmarks.md).
        let exampleList = Self.orderedExamples(intents)
        let exampleTokens = Parallel.map(exampleList, minimumChunk: 512) { TextNormalizer.tokens($0.text) }
        var answerTokens: [[(Token, Language)]] = Array(repeating: [], count: intents.count)
        for (intentIndex, intent) in intents.enumerated() {
            for language in Language.allCases {
                if let answer = intent.answers[language] {
                    for token in TextNormalizer.tokens(answer.short + " " + (answer.more ?? "")) {
                        answerTokens[intentIndex].append((token, language))
                    }
                }
            }
        }
        var vocabulary = Vocabulary()
        let exampleWords = exampleTokens.map { $0.map { vocabulary.id(of: $0) } }
        let answerWords = answerTokens.map { $0.map { (vocabulary.id(of: $0.0), $0.1) } }
        var drafts = Parallel.map(vocabulary.tokens, minimumChunk: 512) { Self.draft($0, analyzer: analyzer) }
        func analyse(_ token: Token) {
            let id = vocabulary.id(of: token)
            if id == drafts.count { drafts.append(Self.draft(token, analyzer: analyzer)) }
        }
        for (example, words) in zip(exampleList, exampleWords) {
            for id in words {
                drafts[Int(id)].vocabularyMask |= example.language.bit
                drafts[Int(id)].exampleMask |= example.language.bit
            }
        }
        for (id, language) in answerWords.joined() { drafts[Int(id)].vocabularyMask |= language.bit }
        examples = exampleList
        exampleIntents = exampleList.map { Int32($0.intent) }
        indistinct = calibrates ? Self.indistinctExamples(exampleWords, intents: exampleList.map(\.intent)) : []
        var correctable = Set<String>()
        for id in drafts.indices where drafts[id].exampleMask != 0 && drafts[id].script != .digits {
            correctable.insert(vocabulary.tokens[id].text)
        }
        for group in answers.synonyms {
            for word in group {
                for token in TextNormalizer.tokens(word) {
                    analyse(token)
                    correctable.insert(token.text)
                }
            }
        }
        corrector = SpellingCorrector(words: correctable)
        // Every stopword too, so that a message's function words are looked up rather than analysed.
        for word in Stopwords.all { TextNormalizer.tokens(word).forEach(analyse) }
        acronyms = analyzer.synonyms.acronyms
        for canonical in acronyms.values { analyse(Token(text: canonical, script: .latin)) }

        // 2. Vocabularies: terms in their example's language, trigrams; document frequency counted per intent.
        // A word's term id in each language is worked out the first time it is needed (`wordTerms`, -2: not yet).
        var termIDs: [String: Int32] = [:]
        var gramIDs: [UInt64: Int32] = [:]
        var wordTerms = [Int32](repeating: -2, count: drafts.count * Language.allCases.count)
        var wordGrams = [[Int32]?](repeating: nil, count: drafts.count)
        // How many intents use each term and trigram. Examples come intent by intent (step 1), so an intent is
        // counted when it differs from the last one seen: a count, not a set of intents per feature.
        var termIntents = DistinctCounts()
        var gramIntents = DistinctCounts()
        var answerIntents = DistinctCounts()
        func termID(_ word: Int32, _ language: Language) -> Int32 {
            let slot = Int(word) * Language.allCases.count + language.index
            if wordTerms[slot] != -2 { return wordTerms[slot] }
            let term = drafts[Int(word)].terms[language.index]
            let id = termIDs[term] ?? {
                let id = Int32(termIDs.count)
                termIDs[term] = id
                termIntents.append()
                answerIntents.append()
                return id
            }()
            wordTerms[slot] = id
            return id
        }
        for (exampleIndex, words) in exampleWords.enumerated() {
            let example = exampleList[exampleIndex]
            for word in words {
                termIntents.count(Int(termID(word, example.language)), example.intent)
                if wordGrams[Int(word)] == nil {
                    wordGrams[Int(word)] = drafts[Int(word)].gramKeys.map { key in
                        gramIDs[key] ?? {
                            let id = Int32(gramIDs.count)
                            gramIDs[key] = id
                            gramIntents.append()
                            return id
                        }()
                    }
                }
                for gramID in wordGrams[Int(word)]! { gramIntents.count(Int(gramID), example.intent) }
            }
        }
        for (intentIndex, words) in answerWords.enumerated() {
            for (word, language) in words { answerIntents.count(Int(termID(word, language)), intentIndex) }
        }
        self.termIDs = termIDs
        self.gramIDs = gramIDs
        stemTerms = Language.allCases.map { language in
            var table: [String: StemTerm] = [:]
            for (stem, canonical) in analyzer.synonyms.stems(in: language) {
                table[stem] = StemTerm(term: canonical, id: termIDs[canonical] ?? -1)
            }
            return table
        }
        let intentCount = Double(max(intents.count, 1))
        func idf(_ documents: Int) -> Double { log((intentCount + 1) / (Double(documents) + 0.5)) }
        let unknownIDF = idf(0) * configuration.unknownWordWeight
        self.unknownIDF = unknownIDF
        answerIDF = answerIntents.counts.map { idf(Int($0)) }
        // A word only the answers use is still a helpline word: it weighs by how many answers use it, not as
        // a word never seen (which is what makes "football" or "embassy" pull a message away from every intent).
        let answerIDF = self.answerIDF
        termIDF = termIntents.counts.indices.map { id in
            termIntents[id] == 0 ? min(unknownIDF, answerIDF[id]) : idf(termIntents[id])
        }
        gramIDF = gramIntents.counts.map { idf(Int($0)) }

        // Telling words of urgent intents: at most one other intent uses the term, and in fewer examples. Per
        // term, the intents whose examples use it and in how many examples (intent by intent, as they come).
        var termUses = [[(intent: Int, count: Int)]](repeating: [], count: termIDs.count)
        var seenInExample = [Int](repeating: -1, count: termIDs.count)
        for (exampleIndex, words) in exampleWords.enumerated() {
            let example = exampleList[exampleIndex]
            for word in words where !drafts[Int(word)].isStopword {
                let id = Int(termID(word, example.language))
                guard seenInExample[id] != exampleIndex else { continue }
                seenInExample[id] = exampleIndex
                if termUses[id].last?.intent == example.intent {
                    termUses[id][termUses[id].count - 1].count += 1
                } else {
                    termUses[id].append((example.intent, 1))
                }
            }
        }
        var urgentTerms: [Int: [Int32: Double]] = [:]
        if !urgentIntents.isEmpty {
            for (term, id) in termIDs where analyzer.synonyms.canonicals.contains(term) {
                let uses = termUses[Int(id)]
                guard !uses.isEmpty else { continue }
                let total = uses.reduce(0) { $0 + $1.count }
                for (intent, count) in uses where intents[intent].escalate == .urgent {
                    let others = total - count
                    if others == 0 && count >= 2 {
                        urgentTerms[intent, default: [:]][id] = 0
                    } else if count >= Self.strongUrgentRatio * others {
                        urgentTerms[intent, default: [:]][id] = Self.sharedUrgentShare
                    } else if 2 * count > total && uses.count <= 2 {
                        urgentTerms[intent, default: [:]][id] = 1
                    }
                }
            }
        }
        self.urgentTerms = urgentTerms
        self.soleTerms = termUses.indices.map { id in
            termUses[id].count == 1 && termUses[id][0].count == 1 && answerIntents[id] == 0
        }

        // Off-topic words, unless an example uses them: the examples are what operators curate.
        for id in drafts.indices where drafts[id].exampleMask == 0 && OffTopicWords.all.contains(vocabulary.tokens[id].text) {
            drafts[id].isOffTopic = true
        }

        // 3. Fill in the ids of every analysed word, so that a message's words need one lookup each.
        var slotWords: [WordFeatures] = []
        var wordFeatures: [WordFeatures] = []
        wordFeatures.reserveCapacity(drafts.count)
        for (id, draft) in drafts.enumerated() {
            let text = vocabulary.tokens[id].text
            let word = WordFeatures(draft, text: text, termIDs: draft.terms.map { termIDs[$0] ?? -1 },
                                    gramIDs: wordGrams[id] ?? draft.gramKeys.map { gramIDs[$0] ?? -1 },
                                    vectors: wordVectors, slot: draft.exampleMask != 0 ? Int32(slotWords.count) : -1)
            wordFeatures.append(word)
            if word.slot >= 0 { slotWords.append(word) }
        }
        self.slotWords = slotWords
        wordIDs = vocabulary.ids
        wordList = wordFeatures
        var starts = [0]
        starts.reserveCapacity(exampleWords.count + 1)
        for words in exampleWords { starts.append(starts[starts.count - 1] + words.count) }
        self.exampleWords = Array(exampleWords.joined())
        exampleWordStarts = starts

        // 4. Example vectors, normalised, into posting lists; intent centroids likewise. Terms that more than half
        // the intents use (`my`, `que`) and trigrams that more than a third use (`^de`, `es$`) weigh next to
        // nothing but have the longest lists: they stay in the norms and are left out of the lists (measured on
        // `intents/tests`, 2026-11-29, 22 intents: matching 20% faster, the same phrases right; a quarter for
        // trigrams or a third for terms started to cost phrases). A vector is summed in a dense scratch array
        // with the list of ids it touched, and so is each intent's centroid (examples come intent by intent).
        let commonGram = Int(Double(intents.count) * Self.commonGramShare)
        let commonTerm = Int(Double(intents.count) * Self.commonTermShare)
        var termPostings = [[Posting]](repeating: [], count: termIDs.count)
        var gramPostings = [[Posting]](repeating: [], count: gramIDs.count)
        var termCentroidPostings = [[Posting]](repeating: [], count: termIDs.count)
        var gramCentroidPostings = [[Posting]](repeating: [], count: gramIDs.count)
        var termVector = SparseSum(count: termIDs.count)
        var gramVector = SparseSum(count: gramIDs.count)
        var termCentroid = SparseSum(count: termIDs.count)
        var gramCentroid = SparseSum(count: gramIDs.count)
        func flushCentroids(of intent: Int) {
            for (id, weight) in termCentroid.normalised() {
                termCentroidPostings[Int(id)].append(Posting(target: Int32(intent), weight: Float(weight)))
            }
            for (id, weight) in gramCentroid.normalised() where gramIntents[Int(id)] <= commonGram {
                gramCentroidPostings[Int(id)].append(Posting(target: Int32(intent), weight: Float(weight)))
            }
            termCentroid.clear()
            gramCentroid.clear()
        }
        var currentIntent = 0
        for (exampleIndex, words) in exampleWords.enumerated() {
            let example = exampleList[exampleIndex]
            if example.intent != currentIntent {
                flushCentroids(of: currentIntent)
                currentIntent = example.intent
            }
            for word in words {
                let feature = wordFeatures[Int(word)]
                let factor = Self.factor(feature, stopword: stopwordFactor, digit: digitFactor)
                let termID = feature.termIDs[example.language.index]
                if termID >= 0 { termVector.add(termID, termIDF[Int(termID)] * factor) }
                for gramID in feature.gramIDs where gramID >= 0 {
                    gramVector.add(gramID, gramIDF[Int(gramID)] * factor)
                }
            }
            let target = Int32(exampleIndex)
            for (id, weight) in termVector.normalised() where termIntents[Int(id)] <= commonTerm {
                termPostings[Int(id)].append(Posting(target: target, weight: Float(weight)))
                termCentroid.add(id, weight)
            }
            for (id, weight) in gramVector.normalised() where gramIntents[Int(id)] <= commonGram {
                gramPostings[Int(id)].append(Posting(target: target, weight: Float(weight)))
                gramCentroid.add(id, weight)
            }
            termVector.clear()
            gramVector.clear()
        }
        if !exampleWords.isEmpty { flushCentroids(of: currentIntent) }
        var answerPostings = [[Posting]](repeating: [], count: termIDs.count)
        var answerVector = SparseSum(count: termIDs.count)
        for (intentIndex, words) in answerWords.enumerated() {
            for (word, language) in words {
                let feature = wordFeatures[Int(word)]
                let termID = feature.termIDs[language.index]
                guard termID >= 0 else { continue }
                answerVector.add(termID, answerIDF[Int(termID)] * Self.factor(feature, stopword: stopwordFactor, digit: digitFactor))
            }
            for (id, weight) in answerVector.normalised() {
                answerPostings[Int(id)].append(Posting(target: Int32(intentIndex), weight: Float(weight)))
            }
            answerVector.clear()
        }
        self.answerPostings = PostingLists(answerPostings)
        self.termPostings = PostingLists(termPostings)
        self.gramPostings = PostingLists(gramPostings)
        self.termCentroidPostings = PostingLists(termCentroidPostings)
        self.gramCentroidPostings = PostingLists(gramCentroidPostings)
    }

    /// Analysis of one word in every language (ids are filled in once the vocabularies exist).
    static func draft(_ token: Token, analyzer: Analyzer) -> WordDraft {
        let terms = analyzer.terms(token)
        let stopMask = Stopwords.masks[token.text] ?? 0
        // A stopword as written, or a synonym of one (`pls` → `please`); not a stem that happens to spell one
        // (`lose` → `los`).
        let isStopword = stopMask != 0
            || analyzer.synonyms.canonical(surface: token.text).map { Stopwords.masks[$0] != nil } == true
        return WordDraft(
            stopwordMask: stopMask, terms: terms, isStopword: isStopword, script: token.script,
            gramKeys: Analyzer.gramKeys(token))
    }

    /// The analysed word written `text`, if the examples, answers, synonyms or stopwords have it.
    func word(_ text: String) -> WordFeatures? {
        wordIDs[text].map { wordList[Int($0)] }
    }

    /// A message word: its analysis from the index, or made now for a word the answer files never use.
    func features(of token: Token) -> WordFeatures {
        if let known = word(token.text) { return known }
        // Not in `wordIDs`, so no example, answer, synonym group or stopword list has it as written: what is left
        // to find is its stem in each language (the same as `Analyzer.terms` would, in one lookup each).
        var terms: [String] = []
        var termIDs: [Int32] = []
        terms.reserveCapacity(Language.allCases.count)
        termIDs.reserveCapacity(Language.allCases.count)
        var known = false
        if token.script == .digits {
            let id = self.termIDs[token.text] ?? -1
            terms = Array(repeating: token.text, count: Language.allCases.count)
            termIDs = Array(repeating: id, count: Language.allCases.count)
            known = id >= 0
        } else {
            for language in Language.allCases {
                let stemLanguage = SynonymTable.stemmingLanguage(token, language)
                // Arabic script stems alike in every language, and Latin script alike in English and Arabic.
                let earlier = token.script == .arabic ? 0 : stemLanguage.index
                if earlier < terms.count {
                    terms.append(terms[earlier])
                    termIDs.append(termIDs[earlier])
                    continue
                }
                let stem = Stemmer.stem(token.text, language: stemLanguage)
                if let entry = stemTerms[stemLanguage.index][stem] {
                    terms.append(entry.term)
                    termIDs.append(entry.id)
                    known = known || entry.id >= 0
                } else if let id = self.termIDs[stem] {
                    terms.append(stem)
                    termIDs.append(id)
                    known = true
                } else {
                    terms.append(stem)
                    termIDs.append(-1)
                }
            }
        }
        // An off-topic word is off-topic here (no example has it), and not a typo of a helpline word (`pizza` is
        // not `prize`).
        let isOffTopic = OffTopicWords.all.contains(token.text)
        // A word whose stem no example has in any language may be a typo of one that some example has.
        if token.script != .digits, !isOffTopic, !known,
           let corrected = corrector.correction(of: token.text), let known = word(corrected) {
            return known
        }
        let gramKeys = Analyzer.gramKeys(token)
        let draft = WordDraft(terms: terms, isStopword: false, isOffTopic: isOffTopic, script: token.script,
                              gramKeys: gramKeys)
        return WordFeatures(draft, text: token.text, termIDs: termIDs, gramIDs: gramKeys.map { gramIDs[$0] ?? -1 },
                            vectors: wordVectors)
    }

    /// Example `position`'s words, as numbers of `wordList`.
    func words(ofExample position: Int) -> ArraySlice<Int32> {
        exampleWords[exampleWordStarts[position]..<exampleWordStarts[position + 1]]
    }

    /// Function words and numbers say little about the topic; they weigh less in both the examples and the message.
    static func factor(_ feature: WordFeatures, stopword: Double, digit: Double) -> Double {
        if feature.script == .digits { return digit }
        return feature.isStopword ? stopword : 1
    }
}

extension Language {
    /// Position in `allCases`, for arrays indexed by language.
    var index: Int {
        switch self {
        case .en: 0
        case .fr: 1
        case .es: 2
        case .pt: 3
        case .ar: 4
        }
    }

    var bit: UInt8 { 1 << UInt8(index) }
}

/// Per feature id, how many distinct intents use it, fed intent by intent (ascending): an intent is counted when
/// it differs from the last one this feature saw.
/// The distinct words of an index's texts, numbered in the order they first appear: a word's text is hashed
/// once, when it is met, and the rest of the build works with its number.
struct Vocabulary {
    private(set) var tokens: [Token] = []
    private(set) var ids = TextTable()

    mutating func id(of token: Token) -> Int32 {
        let (id, inserted) = ids.id(inserting: token.text)
        if inserted { tokens.append(token) }
        return id
    }
}

/// A sparse vector summed feature by feature into a dense array, with the ids it touched: what a dictionary of
/// weights per example did, without hashing. `clear` resets only what was touched.
struct SparseSum {
    private var values: [Double]
    private var touched: [Int32] = []

    init(count: Int) { values = [Double](repeating: 0, count: count) }

    mutating func add(_ id: Int32, _ weight: Double) {
        if values[Int(id)] == 0 { touched.append(id) }
        values[Int(id)] += weight
    }

    /// The vector divided by its norm, ids ascending (empty for a zero vector).
    func normalised() -> [(Int32, Double)] {
        let ids = touched.sorted()
        let norm = ids.reduce(0) { $0 + values[Int($1)] * values[Int($1)] }.squareRoot()
        guard norm > 0 else { return [] }
        return ids.map { ($0, values[Int($0)] / norm) }
    }

    mutating func clear() {
        for id in touched { values[Int(id)] = 0 }
        touched.removeAll(keepingCapacity: true)
    }
}

struct DistinctCounts {
    private(set) var counts: [Int32] = []
    private var last: [Int32] = []

    init(count: Int = 0) {
        counts = [Int32](repeating: 0, count: count)
        last = [Int32](repeating: -1, count: count)
    }

    mutating func append() {
        counts.append(0)
        last.append(-1)
    }

    mutating func count(_ id: Int, _ intent: Int) {
        precondition(Int32(intent) >= last[id], "examples must come intent by intent")
        if last[id] != Int32(intent) {
            last[id] = Int32(intent)
            counts[id] += 1
        }
    }

    subscript(id: Int) -> Int { Int(counts[id]) }
}
