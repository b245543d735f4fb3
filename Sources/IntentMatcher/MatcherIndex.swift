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
    /// Every word of the examples and answers, analysed in advance (the hot path's cache).
    let words: [String: WordFeatures]
    /// The words of the examples by `WordFeatures.slot`.
    let slotWords: [WordFeatures]
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

    /// `indistinct`, for examples given as their words and intents.
    static func indistinctExamples(_ words: [[String]], intents: [Int]) -> [Bool] {
        // A word set as bytes: its words sorted, once each, joined by a space (which no word has), hashed once.
        // Not strings, nor arrays hashed byte by byte: comparing and hashing strings checks Unicode normalisation
        // (the words are normalised already), and both ways cost a tenth of a kept model's load.
        struct WordSet: Hashable {
            let bytes: [UInt8]
            let digest: UInt64
            init(_ words: [String]) {
                var bytes: [UInt8] = []
                var last: [UInt8]?
                for word in words.map({ Array($0.utf8) }).sorted(by: { $0.lexicographicallyPrecedes($1) })
                where word != last {
                    if last != nil { bytes.append(0x20) }
                    bytes += word
                    last = word
                }
                self.bytes = bytes
                digest = bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
            }
            var isEmpty: Bool { bytes.isEmpty }
            func hash(into hasher: inout Hasher) { hasher.combine(digest) }
            static func == (lhs: WordSet, rhs: WordSet) -> Bool { lhs.digest == rhs.digest && lhs.bytes == rhs.bytes }
        }
        var owners: [WordSet: Int] = [:]  // a word set, and its intent (-1: several)
        let keys = words.map(WordSet.init)
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
        // the model kept (`TrainedState`) is this index and little else.
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
        var seen = Set<String>()
        var distinct: [Token] = []
        for token in exampleTokens.joined() where seen.insert(token.text).inserted { distinct.append(token) }
        for (token, _) in answerTokens.joined() where seen.insert(token.text).inserted { distinct.append(token) }
        let drafts = Parallel.map(distinct, minimumChunk: 512) { Self.draft($0, analyzer: analyzer) }
        var words = [String: WordDraft](minimumCapacity: distinct.count)
        for (token, draft) in zip(distinct, drafts) { words[token.text] = draft }
        func analyse(_ token: Token) {
            if words[token.text] == nil { words[token.text] = Self.draft(token, analyzer: analyzer) }
        }
        for (example, tokens) in zip(exampleList, exampleTokens) {
            for token in tokens {
                words[token.text]?.vocabularyMask |= example.language.bit
                words[token.text]?.exampleMask |= example.language.bit
            }
        }
        for (token, language) in answerTokens.joined() { words[token.text]?.vocabularyMask |= language.bit }
        examples = exampleList
        exampleIntents = exampleList.map { Int32($0.intent) }
        indistinct = calibrates
            ? Self.indistinctExamples(exampleTokens.map { $0.map(\.text) }, intents: exampleList.map(\.intent)) : []
        var correctable = Set(exampleTokens.joined().filter { $0.script != .digits }.map(\.text))
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
        var termIDs: [String: Int32] = [:]
        var gramIDs: [UInt64: Int32] = [:]
        // How many intents use each term and trigram. Examples come intent by intent (step 1), so an intent is
        // counted when it differs from the last one seen: a count, not a set of intents per feature.
        var termIntents = DistinctCounts()
        var gramIntents = DistinctCounts()
        for (exampleIndex, tokens) in exampleTokens.enumerated() {
            let example = exampleList[exampleIndex]
            for token in tokens {
                guard let feature = words[token.text] else { continue }
                let term = feature.terms[example.language.index]
                let termID = termIDs[term] ?? {
                    let id = Int32(termIDs.count)
                    termIDs[term] = id
                    termIntents.append()
                    return id
                }()
                termIntents.count(Int(termID), example.intent)
                for key in feature.gramKeys {
                    let gramID = gramIDs[key] ?? {
                        let id = Int32(gramIDs.count)
                        gramIDs[key] = id
                        gramIntents.append()
                        return id
                    }()
                    gramIntents.count(Int(gramID), example.intent)
                }
            }
        }
        var answerIntents = DistinctCounts(count: termIDs.count)
        for (intentIndex, tokens) in answerTokens.enumerated() {
            for (token, language) in tokens {
                guard let feature = words[token.text] else { continue }
                let term = feature.terms[language.index]
                let termID = termIDs[term] ?? {
                    let id = Int32(termIDs.count)
                    termIDs[term] = id
                    termIntents.append()
                    answerIntents.append()
                    return id
                }()
                answerIntents.count(Int(termID), intentIndex)
            }
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

        // Telling words of urgent intents: at most one other intent uses the term, and in fewer examples.
        var termUses: [Int32: [Int: Int]] = [:]
        for (exampleIndex, tokens) in exampleTokens.enumerated() {
            let example = exampleList[exampleIndex]
            var seen: Set<Int32> = []
            for token in tokens {
                guard let feature = words[token.text], !feature.isStopword,
                      let id = termIDs[feature.terms[example.language.index]], seen.insert(id).inserted
                else { continue }
                termUses[id, default: [:]][example.intent, default: 0] += 1
            }
        }
        var urgentTerms: [Int: [Int32: Double]] = [:]
        for (term, id) in termIDs where analyzer.synonyms.canonicals.contains(term) {
            guard let uses = termUses[id] else { continue }
            let total = uses.values.reduce(0, +)
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
        self.urgentTerms = urgentTerms
        var soleTerms = [Bool](repeating: false, count: termIDs.count)
        for (id, uses) in termUses where uses.count == 1 && uses.values.first == 1 && answerIntents[Int(id)] == 0 {
            soleTerms[Int(id)] = true
        }
        self.soleTerms = soleTerms

        // Off-topic words, unless an example uses them: the examples are what operators curate.
        let exampleWords = Set(exampleTokens.joined().map(\.text))
        for word in words.keys where OffTopicWords.all.contains(word) && !exampleWords.contains(word) {
            words[word]?.isOffTopic = true
        }

        // 3. Fill in the ids of every analysed word, so that a message's words need one lookup each.
        var features: [String: WordFeatures] = [:]
        features.reserveCapacity(words.count)
        var slotWords: [WordFeatures] = []
        for (text, draft) in words {
            let word = WordFeatures(draft, text: text, termIDs: draft.terms.map { termIDs[$0] ?? -1 },
                                    gramIDs: draft.gramKeys.map { gramIDs[$0] ?? -1 }, vectors: wordVectors,
                                    slot: draft.exampleMask != 0 ? Int32(slotWords.count) : -1)
            features[text] = word
            if word.slot >= 0 { slotWords.append(word) }
        }
        self.slotWords = slotWords
        self.words = features

        // 4. Example vectors, normalised, into posting lists; intent centroids likewise. Terms that more than half
        // the intents use (`my`, `que`) and trigrams that more than a third use (`^de`, `es$`) weigh next to
        // nothing but have the longest lists: they stay in the norms and are left out of the lists (measured on
        // `intents/tests`, 2026-11-29, 22 intents: matching 20% faster, the same phrases right; a quarter for
        // trigrams or a third for terms started to cost phrases).
        let commonGram = Int(Double(intents.count) * Self.commonGramShare)
        let commonTerm = Int(Double(intents.count) * Self.commonTermShare)
        var termPostings = [[Posting]](repeating: [], count: termIDs.count)
        var gramPostings = [[Posting]](repeating: [], count: gramIDs.count)
        var termCentroids = [[Int32: Double]](repeating: [:], count: intents.count)
        var gramCentroids = [[Int32: Double]](repeating: [:], count: intents.count)
        for (exampleIndex, tokens) in exampleTokens.enumerated() {
            let example = exampleList[exampleIndex]
            var termVector: [Int32: Double] = [:]
            var gramVector: [Int32: Double] = [:]
            for token in tokens {
                guard let feature = features[token.text] else { continue }
                let factor = Self.factor(feature, stopword: stopwordFactor, digit: digitFactor)
                let termID = feature.termIDs[example.language.index]
                if termID >= 0 { termVector[termID, default: 0] += termIDF[Int(termID)] * factor }
                for gramID in feature.gramIDs where gramID >= 0 {
                    gramVector[gramID, default: 0] += gramIDF[Int(gramID)] * factor
                }
            }
            let target = Int32(exampleIndex)
            for (id, weight) in Self.normalised(termVector) where termIntents[Int(id)] <= commonTerm {
                termPostings[Int(id)].append(Posting(target: target, weight: Float(weight)))
                termCentroids[example.intent][id, default: 0] += weight
            }
            for (id, weight) in Self.normalised(gramVector) where gramIntents[Int(id)] <= commonGram {
                gramPostings[Int(id)].append(Posting(target: target, weight: Float(weight)))
                gramCentroids[example.intent][id, default: 0] += weight
            }
        }
        var termCentroidPostings = [[Posting]](repeating: [], count: termIDs.count)
        var gramCentroidPostings = [[Posting]](repeating: [], count: gramIDs.count)
        for intent in 0..<intents.count {
            for (id, weight) in Self.normalised(termCentroids[intent]) {
                termCentroidPostings[Int(id)].append(Posting(target: Int32(intent), weight: Float(weight)))
            }
            for (id, weight) in Self.normalised(gramCentroids[intent]) where gramIntents[Int(id)] <= commonGram {
                gramCentroidPostings[Int(id)].append(Posting(target: Int32(intent), weight: Float(weight)))
            }
        }
        var answerPostings = [[Posting]](repeating: [], count: termIDs.count)
        for (intentIndex, tokens) in answerTokens.enumerated() {
            var vector: [Int32: Double] = [:]
            for (token, language) in tokens {
                guard let feature = features[token.text] else { continue }
                let termID = feature.termIDs[language.index]
                guard termID >= 0 else { continue }
                vector[termID, default: 0] += answerIDF[Int(termID)]
                    * Self.factor(feature, stopword: stopwordFactor, digit: digitFactor)
            }
            for (id, weight) in Self.normalised(vector) {
                answerPostings[Int(id)].append(Posting(target: Int32(intentIndex), weight: Float(weight)))
            }
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

    /// A message word: its analysis from the index, or made now for a word the answer files never use.
    func features(of token: Token) -> WordFeatures {
        if let known = words[token.text] { return known }
        // Not in `words`, so no example, answer, synonym group or stopword list has it as written: what is left
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
           let corrected = corrector.correction(of: token.text), let known = words[corrected] {
            return known
        }
        let gramKeys = Analyzer.gramKeys(token)
        let draft = WordDraft(terms: terms, isStopword: false, isOffTopic: isOffTopic, script: token.script,
                              gramKeys: gramKeys)
        return WordFeatures(draft, text: token.text, termIDs: termIDs, gramIDs: gramKeys.map { gramIDs[$0] ?? -1 },
                            vectors: wordVectors)
    }

    /// Function words and numbers say little about the topic; they weigh less in both the examples and the message.
    static func factor(_ feature: WordFeatures, stopword: Double, digit: Double) -> Double {
        if feature.script == .digits { return digit }
        return feature.isStopword ? stopword : 1
    }

    private static func normalised(_ vector: [Int32: Double]) -> [(Int32, Double)] {
        let norm = vector.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return [] }
        return vector.map { ($0.key, $0.value / norm) }.sorted { $0.0 < $1.0 }
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
