/// Matches a worker's message against the curated intents and decides what the helpline does: answer, ask to
/// choose, fall back honestly, or hand over to a volunteer. Built once per answer set (everything is computed
/// in `init`), then immutable and safe to share between tasks.
public struct Matcher: Sendable {
    public let answers: AnswerSet
    public let configuration: MatcherConfiguration
    let index: MatcherIndex

    public init(answers: AnswerSet, configuration: MatcherConfiguration = .default) {
        self.answers = answers
        self.configuration = configuration
        index = MatcherIndex(answers: answers, configuration: configuration)
    }

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
        return Explanation(analysis: analysis, match: decide(analysis), index: index, text: text)
    }

    /// The language the message seems to be in, or nil when it gives no clue (emoji, digits, unknown words).
    public func detectLanguage(_ text: String) -> Language? {
        let tokens = TextNormalizer.tokens(text, limit: configuration.maximumScalars)
        return LanguageDetector.detect(tokens, features: features(of: tokens), hint: nil)
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
        var bestExample: [Int]
        /// The urgent intents the message has a telling word of, with the smallest share of the best score
        /// those words ask of it (see `MatcherIndex.urgentTerms`).
        var urgentEvidence: [Int: Double] = [:]
        var parts: [(term: Double, gram: Double, centroid: Double)] = []
    }

    func analyse(_ text: String, hint: Language?, details: Bool = false) -> Analysis {
        let tokens = TextNormalizer.tokens(text, limit: configuration.maximumScalars)
        let features = features(of: tokens)
        let language = LanguageDetector.detect(tokens, features: features, hint: hint)
        let stemming = language ?? hint ?? .en
        var analysis = Analysis(
            tokens: tokens, features: features, language: language, stemmingLanguage: stemming,
            hasLetters: tokens.contains { $0.script != .digits }, scores: [], bestExample: [])
        score(&analysis, details: details)
        return analysis
    }

    /// A loop rather than `tokens.map(index.features(of:))`: a partially applied method copies the index.
    private func features(of tokens: [Token]) -> [WordFeatures] {
        var features: [WordFeatures] = []
        features.reserveCapacity(tokens.count)
        for token in tokens { features.append(index.features(of: token)) }
        // Acronyms typed in capitals (`whats TO`), unless the whole message is shouted (`I WANT TO DIE`).
        if !index.acronyms.isEmpty, tokens.contains(where: \.isCapitals) {
            let capitals = tokens.count(where: \.isCapitals)
            let words = tokens.count(where: { $0.script == .latin && $0.text.utf8.count >= 2 })
            if capitals == 1 || 2 * capitals <= words {
                for (position, token) in tokens.enumerated() where token.isCapitals {
                    if let canonical = index.acronyms[token.text], let known = index.words[canonical] {
                        features[position] = known
                    }
                }
            }
        }
        return features
    }

    /// TF-IDF cosine of the message with every example (terms and trigrams blended), an intent taking its best
    /// example's similarity blended with its centroid's. Only examples sharing a term or trigram are touched.
    private func score(_ analysis: inout Analysis, details: Bool) {
        let languageIndex = analysis.stemmingLanguage.index
        var termQuery: [(id: Int32, weight: Double)] = []
        var gramQuery: [(id: Int32, weight: Double)] = []
        termQuery.reserveCapacity(analysis.tokens.count)
        gramQuery.reserveCapacity(analysis.tokens.count * 6)
        var termNorm = 0.0
        var gramNorm = 0.0
        var contentWords = 0
        var unknownWords = 0
        var offTopicWords = 0
        var answerQuery: [(id: Int32, weight: Double)] = []
        answerQuery.reserveCapacity(analysis.tokens.count)
        for feature in analysis.features {
            let factor = MatcherIndex.factor(feature, stopword: index.stopwordFactor, digit: index.digitFactor)
            let termID = feature.termID(preferring: languageIndex).id
            if !feature.isStopword && feature.script != .digits {
                contentWords += 1
                if termID < 0 { unknownWords += 1 }
                if feature.isOffTopic { offTopicWords += 1 }
            }
            if termID >= 0 {
                termQuery.append((termID, index.termIDF[Int(termID)] * factor))
                answerQuery.append((termID, index.answerIDF[Int(termID)] * factor))
            } else {
                let weight = index.unknownIDF * factor
                termNorm += weight * weight
            }
            for gramID in feature.gramIDs {
                if gramID >= 0 {
                    gramQuery.append((gramID, index.gramIDF[Int(gramID)] * factor))
                } else {
                    let weight = index.unknownIDF * factor
                    gramNorm += weight * weight
                }
            }
        }
        for (intent, terms) in index.urgentTerms {
            for (id, _) in termQuery {
                guard let share = terms[id] else { continue }
                analysis.urgentEvidence[intent] = min(share, analysis.urgentEvidence[intent] ?? share)
            }
        }
        termNorm += Self.mergeDuplicates(&termQuery)
        gramNorm += Self.mergeDuplicates(&gramQuery)
        let answerNorm = Self.mergeDuplicates(&answerQuery).squareRoot()
        termNorm = termNorm.squareRoot()
        gramNorm = gramNorm.squareRoot()

        let exampleCount = index.examples.count
        let intentCount = index.intentIDs.count
        let termShare = configuration.termWeight
        let centroidShare = configuration.centroidWeight
        var scores = [Double](repeating: 0, count: intentCount)
        var bestExample = [Int](repeating: -1, count: intentCount)
        var parts: [(term: Double, gram: Double, centroid: Double)] = []
        let answerShare = configuration.answerWeight
        let unknownShare = contentWords > 0 ? Double(unknownWords) / Double(contentWords) : 0
        let offTopicShare = contentWords > 0
            ? min(1, (Double(unknownWords) + configuration.offTopicWordWeight * Double(offTopicWords))
                / Double(contentWords)) : 0
        // Urgent intents are lowered by unknown words only, never by off-topic ones (see `OffTopicWords`).
        let urgentPenalty = max(0, 1 - configuration.unknownWordPenalty * unknownShare)
        let penalty = max(0, 1 - configuration.unknownWordPenalty * offTopicShare)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * exampleCount + 3 * intentCount) { buffer in
            buffer.initialize(repeating: 0)
            let termDots = UnsafeMutableBufferPointer(rebasing: buffer[0..<exampleCount])
            let gramDots = UnsafeMutableBufferPointer(rebasing: buffer[exampleCount..<(2 * exampleCount)])
            let termCentroid = UnsafeMutableBufferPointer(
                rebasing: buffer[(2 * exampleCount)..<(2 * exampleCount + intentCount)])
            let gramCentroid = UnsafeMutableBufferPointer(
                rebasing: buffer[(2 * exampleCount + intentCount)..<(2 * exampleCount + 2 * intentCount)])
            let answerDots = UnsafeMutableBufferPointer(rebasing: buffer[(2 * exampleCount + 2 * intentCount)...])
            for (id, weight) in termQuery {
                index.termPostings.accumulate(id, weight, into: termDots)
                index.termCentroidPostings.accumulate(id, weight, into: termCentroid)
            }
            for (id, weight) in answerQuery where answerShare > 0 {
                index.answerPostings.accumulate(id, weight, into: answerDots)
            }
            for (id, weight) in gramQuery {
                index.gramPostings.accumulate(id, weight, into: gramDots)
                index.gramCentroidPostings.accumulate(id, weight, into: gramCentroid)
            }
            let termScale = termNorm > 0 ? termShare / termNorm : 0
            let gramScale = gramNorm > 0 ? (1 - termShare) / gramNorm : 0
            var best = [Double](repeating: 0, count: intentCount)
            index.exampleIntents.withUnsafeBufferPointer { exampleIntents in
                for example in 0..<exampleCount {
                    let similarity = termDots[example] * termScale + gramDots[example] * gramScale
                    let intent = Int(exampleIntents[example])
                    if similarity > best[intent] {
                        best[intent] = similarity
                        bestExample[intent] = example
                    }
                }
            }
            for intent in 0..<intentCount {
                let centroid = termCentroid[intent] * termScale + gramCentroid[intent] * gramScale
                let answer = answerNorm > 0 ? answerDots[intent] / answerNorm : 0
                // At most 1: the answers' weak evidence is added on top of a similarity that may already be 1.
                scores[intent] = min(1, (1 - centroidShare) * best[intent] + centroidShare * centroid
                    + answerShare * answer) * (index.escalations[intent] == .urgent ? urgentPenalty : penalty)
                if details {
                    let example = bestExample[intent]
                    parts.append((
                        term: example >= 0 && termNorm > 0 ? termDots[example] / termNorm : 0,
                        gram: example >= 0 && gramNorm > 0 ? gramDots[example] / gramNorm : 0,
                        centroid: centroid))
                }
            }
        }
        analysis.scores = scores
        analysis.bestExample = bestExample
        analysis.parts = parts
    }

    /// Sorts a sparse query vector by id and adds up repeated ids (a word said twice weighs twice); returns the
    /// sum of squares of the merged weights, the vector's squared norm.
    private static func mergeDuplicates(_ vector: inout [(id: Int32, weight: Double)]) -> Double {
        guard !vector.isEmpty else { return 0 }
        vector.sort { $0.id < $1.id }
        var write = 0
        for read in 1..<vector.count {
            if vector[read].id == vector[write].id {
                vector[write].weight += vector[read].weight
            } else {
                write += 1
                vector[write] = vector[read]
            }
        }
        vector.removeLast(vector.count - write - 1)
        return vector.reduce(0) { $0 + $1.weight * $1.weight }
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
        let order = scores.indices.filter { scores[$0] > 0 }.sorted { scores[$0] > scores[$1] }
        let ranked = order.prefix(configuration.maximumAlternatives + 2)
            .map { ScoredIntent(intent: index.intentIDs[$0], score: scores[$0]) }
        let offerable = ranked.filter { $0.score >= configuration.clarifyFloor }
        func alternatives(without chosen: String?) -> [ScoredIntent] {
            Array(offerable.filter { $0.intent != chosen }.prefix(configuration.maximumAlternatives))
        }

        // Urgent intents first, over any other intent and from a lower threshold, when the message has one of
        // their telling words (recall matters most there); without one, an urgent intent must come first on
        // its own score like any other ("I want a volunteer" shares "want" with "I want to die").
        if let urgentIndex = order.first(where: { intent in
            guard index.escalations[intent] == .urgent, analysis.scores[intent] >= configuration.urgentThreshold,
                  let share = analysis.urgentEvidence[intent], let first = order.first else { return false }
            return analysis.scores[intent] >= share * analysis.scores[first]
        }) {
            let urgent = index.intentIDs[urgentIndex]
            return Match(decision: .escalate, intent: urgent, score: analysis.scores[urgentIndex],
                         language: language, alternatives: alternatives(without: urgent))
        }
        guard let best = ranked.first, best.score >= configuration.clarifyFloor else {
            return Match(decision: .fallback, intent: nil, score: ranked.first?.score ?? 0, language: language,
                         alternatives: [])
        }
        let close = offerable.filter { best.score - $0.score <= configuration.clarifyMargin }
        if close.count >= 2 && best.score >= configuration.answerThreshold {
            return Match(decision: .clarify, intent: nil, score: best.score, language: language,
                         alternatives: Array(close.prefix(configuration.maximumAlternatives)))
        }
        guard best.score >= configuration.answerThreshold else {
            return Match(decision: .fallback, intent: nil, score: best.score, language: language,
                         alternatives: alternatives(without: nil))
        }
        let escalation = order.first.map { index.escalations[$0] } ?? .never
        let decision: Decision = escalation == .always || escalation == .urgent ? .escalate : .answer
        return Match(decision: decision, intent: best.intent, score: best.score, language: language,
                     alternatives: alternatives(without: best.intent))
    }
}
