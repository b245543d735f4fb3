import Foundation

/// Groups the questions the helpline could not answer, so that operators see which missing topics come up most
/// (`entraide intents gaps`): "does toloka pay weekly", "Toloka pays weekly?" and "does Toloka pay every week"
/// are one gap, worth one new intent or a few new examples.
///
/// How: each text becomes the set of its words as the matcher normalises them (case, accents, tashkeel), without
/// function words, each cut to its stem in the language its function words point to (English when they point
/// nowhere, Arabic for Arabic script). Two texts are alike by the Jaccard index of their sets (shared words ÷
/// words of either). Greedy leader clustering, in input order: a text joins the group whose first text it is
/// most alike to when that is at least `minimumSimilarity`, else it starts a group. Groups come biggest first,
/// ties in the order their first text came; texts keep their input order inside a group. Texts with no words at
/// all (emoji, digits only) group only with the same text. Quadratic in the worst case (every text its own
/// group): fine for the few thousand unanswered questions of a report.
public enum GapClustering {
    public static func cluster(_ texts: [String], minimumSimilarity: Double = 0.5) -> [[String]] {
        var leaders: [(words: Set<String>, key: String)] = []
        var groups: [[String]] = []
        for text in texts {
            let words = Self.words(text)
            let key = words.isEmpty ? TextNormalizer.normalize(text).isEmpty
                ? text.trimmingCharacters(in: .whitespacesAndNewlines)
                : TextNormalizer.normalize(text) : ""
            var best = -1
            var bestSimilarity = -1.0
            for (index, leader) in leaders.enumerated() {
                let similarity: Double
                if words.isEmpty || leader.words.isEmpty {
                    similarity = words.isEmpty && leader.words.isEmpty && key == leader.key ? 1 : 0
                } else {
                    similarity = jaccard(words, leader.words)
                }
                if similarity >= minimumSimilarity && similarity > bestSimilarity {
                    best = index
                    bestSimilarity = similarity
                }
            }
            if best >= 0 {
                groups[best].append(text)
            } else {
                leaders.append((words, key))
                groups.append([text])
            }
        }
        return groups.enumerated()
            .sorted { $0.element.count != $1.element.count ? $0.element.count > $1.element.count : $0.offset < $1.offset }
            .map(\.element)
    }

    /// The content words of `text`, normalised and stemmed (see the type's documentation).
    static func words(_ text: String) -> Set<String> {
        let tokens = TextNormalizer.tokens(text, limit: MatcherConfiguration.default.maximumScalars)
        var votes = [Int](repeating: 0, count: Language.allCases.count)
        for token in tokens {
            for language in Language.allCases where Stopwords.lists[language]?.contains(token.text) == true {
                votes[language.index] += 1
            }
        }
        let top = votes.max() ?? 0
        let latinLanguage = top > 0 ? Language.allCases.first { votes[$0.index] == top } ?? .en : .en
        var words = Set<String>()
        for token in tokens where !Stopwords.all.contains(token.text) {
            switch token.script {
            case .digits: words.insert(token.text)
            case .arabic: words.insert(Stemmer.stem(token.text, language: .ar))
            case .latin: words.insert(Stemmer.stem(token.text, language: latinLanguage == .ar ? .en : latinLanguage))
            case .other: words.insert(token.text)
            }
        }
        return words
    }

    static func jaccard(_ lhs: Set<String>, _ rhs: Set<String>) -> Double {
        let shared = lhs.intersection(rhs).count
        let either = lhs.count + rhs.count - shared
        return either == 0 ? 0 : Double(shared) / Double(either)
    }
}
