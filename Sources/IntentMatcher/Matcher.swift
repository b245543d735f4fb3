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

    public func match(_ text: String, language hint: Language? = nil) -> Match {
        decide(analyse(text, hint: hint))
    }

    public func explain(_ text: String, language hint: Language? = nil) -> Explanation {
        let analysis = analyse(text, hint: hint, details: true)
        return Explanation(analysis: analysis, match: decide(analysis), index: index, text: text)
    }

    /// The language the message seems to be in, or nil when it gives no clue (emoji, digits, unknown words).
    public func detectLanguage(_ text: String) -> Language? {
        let tokens = TextNormalizer.tokens(text, limit: configuration.maximumScalars)
        return LanguageDetector.detect(tokens, features: tokens.map(index.features(of:)), hint: nil)
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
        /// The urgent intents the message has a telling word of (see `MatcherIndex.urgentTerms`).
        var urgentEvidence: Set<Int> = []
        var parts: [(term: Double, gram: Double, centroid: Double)] = []
    }

    func analyse(_ text: String, hint: Language?, details: Bool = false) -> Analysis {
        let tokens = TextNormalizer.tokens(text, limit: configuration.maximumScalars)
        let features = tokens.map(index.features(of:))
        let language = LanguageDetector.detect(tokens, features: features, hint: hint)
        let stemming = language ?? hint ?? .en
        var analysis = Analysis(
            tokens: tokens, features: features, language: language, stemmingLanguage: stemming,
            hasLetters: tokens.contains { $0.script != .digits }, scores: [], bestExample: [])
        score(&analysis, details: details)
        return analysis
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
        var answerQuery: [(id: Int32, weight: Double)] = []
        answerQuery.reserveCapacity(analysis.tokens.count)
        for feature in analysis.features {
            let factor = MatcherIndex.factor(feature, stopword: index.stopwordFactor, digit: index.digitFactor)
            let termID = feature.termID(preferring: languageIndex).id
            if !feature.isStopword && feature.script != .digits {
                contentWords += 1
                if termID < 0 { unknownWords += 1 }
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
        for (intent, terms) in index.urgentTerms where termQuery.contains(where: { terms.contains($0.id) }) {
            analysis.urgentEvidence.insert(intent)
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
        let penalty = max(0, 1 - configuration.unknownWordPenalty * unknownShare)
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
                for posting in index.termPostings[Int(id)] {
                    termDots[Int(posting.target)] += weight * Double(posting.weight)
                }
                for posting in index.termCentroidPostings[Int(id)] {
                    termCentroid[Int(posting.target)] += weight * Double(posting.weight)
                }
            }
            for (id, weight) in answerQuery where answerShare > 0 {
                for posting in index.answerPostings[Int(id)] {
                    answerDots[Int(posting.target)] += weight * Double(posting.weight)
                }
            }
            for (id, weight) in gramQuery {
                for posting in index.gramPostings[Int(id)] {
                    gramDots[Int(posting.target)] += weight * Double(posting.weight)
                }
                for posting in index.gramCentroidPostings[Int(id)] {
                    gramCentroid[Int(posting.target)] += weight * Double(posting.weight)
                }
            }
            let termScale = termNorm > 0 ? termShare / termNorm : 0
            let gramScale = gramNorm > 0 ? (1 - termShare) / gramNorm : 0
            var best = [Double](repeating: 0, count: intentCount)
            for example in 0..<exampleCount {
                let similarity = termDots[example] * termScale + gramDots[example] * gramScale
                let intent = index.examples[example].intent
                if similarity > best[intent] {
                    best[intent] = similarity
                    bestExample[intent] = example
                }
            }
            for intent in 0..<intentCount {
                let centroid = termCentroid[intent] * termScale + gramCentroid[intent] * gramScale
                let answer = answerNorm > 0 ? answerDots[intent] / answerNorm : 0
                scores[intent] = ((1 - centroidShare) * best[intent] + centroidShare * centroid + answerShare * answer)
                    * penalty
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

    func decide(_ analysis: Analysis) -> Match {
        let language = analysis.language
        guard analysis.hasLetters else {
            return Match(decision: .fallback, intent: nil, score: 0, language: language, alternatives: [])
        }
        let order = analysis.scores.indices
            .filter { analysis.scores[$0] > 0 }
            .sorted { analysis.scores[$0] > analysis.scores[$1] }
        let ranked = order.map { ScoredIntent(intent: index.intentIDs[$0], score: analysis.scores[$0]) }
        let offerable = ranked.filter { $0.score >= configuration.clarifyFloor }
        func alternatives(without chosen: String?) -> [ScoredIntent] {
            Array(offerable.filter { $0.intent != chosen }.prefix(configuration.maximumAlternatives))
        }

        // Urgent intents first, from a lower threshold when the message has one of their telling words:
        // recall matters most there.
        if let urgentIndex = order.first(where: { intent in
            index.escalations[intent] == .urgent && (analysis.scores[intent] >= configuration.answerThreshold
                || (analysis.scores[intent] >= configuration.urgentThreshold
                    && analysis.urgentEvidence.contains(intent)))
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
        let escalation = answers[best.intent]?.escalate ?? .never
        let decision: Decision = escalation == .always || escalation == .urgent ? .escalate : .answer
        return Match(decision: decision, intent: best.intent, score: best.score, language: language,
                     alternatives: alternatives(without: best.intent))
    }
}
