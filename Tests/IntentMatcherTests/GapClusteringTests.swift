import Testing
@testable import IntentMatcher

@Suite("Grouping unanswered questions for the gap report")
struct GapClusteringTests {
    @Test func similarQuestionsGroupBiggestFirst() {
        let groups = GapClustering.cluster([
            "what's the weather tomorrow",
            "does toloka pay weekly",
            "Toloka pays weekly?",
            "how do I cancel my spotify",
            "does Toloka pay every week",
            "How do I cancel Spotify?",
        ])
        #expect(groups == [
            ["does toloka pay weekly", "Toloka pays weekly?", "does Toloka pay every week"],
            ["how do I cancel my spotify", "How do I cancel Spotify?"],
            ["what's the weather tomorrow"],
        ])
    }

    @Test func accentsCaseAndFunctionWordsDoNotSeparate() {
        let groups = GapClustering.cluster(["Où est mon paiement Toloka ?", "ou est le paiement toloka"])
        #expect(groups.count == 1)
        #expect(GapClustering.cluster(["مرحبا بالجميع", "مرحبا بالجميع"]).count == 1)
    }

    @Test func thresholdEmptyTextsAndEdgeCases() {
        #expect(GapClustering.cluster([]).isEmpty)
        // Words shared: toloka, pay; either: toloka, pay, week, bonus → 0.5.
        let pair = ["toloka pay week", "toloka pay bonus"]
        #expect(GapClustering.cluster(pair, minimumSimilarity: 0.5).count == 1)
        #expect(GapClustering.cluster(pair, minimumSimilarity: 0.6).count == 2)
        // No words: only the same text goes together, never with a worded text; numbers are words.
        let groups = GapClustering.cluster(["🙂", "12", "🙂", "👍", "ok 12", "ok"])
        #expect(groups == [["🙂", "🙂"], ["12", "ok 12"], ["👍"], ["ok"]])
    }
}
