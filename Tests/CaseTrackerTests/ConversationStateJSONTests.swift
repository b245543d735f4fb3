import Foundation
import Testing
@testable import CaseTracker

/// The hand-written JSON of a conversation's state (`storedJSON`, `fromStoredJSON`) against Foundation's: rows
/// written by either must read back the same through both, whatever a worker typed into the kept question.
@Suite struct ConversationStateJSONTests {
    static let awkward = [
        "", "plain", "quote \" and backslash \\", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1f}\u{7f}", "slash / \\/",
        "café à l'œil", "مرحبا بك", "emoji 👩🏽‍💻 and 𝔘", "\u{2028}\u{2029}", String(repeating: "x", count: 300),
    ]

    static func randomState(_ random: inout some RandomNumberGenerator) -> ConversationState {
        func text() -> String? { Bool.random(using: &random) ? awkward.randomElement(using: &random) : nil }
        var state = ConversationState(
            language: text(), languageChosen: .random(using: &random), lastIntent: text(),
            pendingChoices: (0..<Int.random(in: 0...3, using: &random)).map { _ in awkward.randomElement(using: &random)! },
            failedClarifications: Int.random(in: -2...1_000, using: &random), awaitingVolunteer: .random(using: &random))
        state.ndaReminded = Bool.random(using: &random) ? .random(using: &random) : nil
        state.country = text()
        state.awaitingCountry = Bool.random(using: &random) ? .random(using: &random) : nil
        state.followUp = text()
        state.platform = text()
        state.answeredQuestion = text()
        return state
    }

    @Test func bothWaysAgreeWithFoundation() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let state = Self.randomState(&random)
            let ours = state.storedJSON
            #expect(try JSONDecoder().decode(ConversationState.self, from: Data(ours.utf8)) == state, "\(ours)")
            #expect(try ConversationState.fromStoredJSON(ours) == state, "\(ours)")
            let foundations = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
            #expect(try ConversationState.fromStoredJSON(foundations) == state, "\(foundations)")
        }
    }

    @Test func whatItDoesNotExpectGoesToFoundation() throws {
        let spaced = #"{ "languageChosen" : true, "pendingChoices" : [ ], "failedClarifications" : 2, "awaitingVolunteer" : false }"#
        #expect(try ConversationState.fromStoredJSON(spaced).failedClarifications == 2)
        let unknown = #"{"languageChosen":false,"pendingChoices":[],"failedClarifications":0,"awaitingVolunteer":true,"new":1}"#
        #expect(try ConversationState.fromStoredJSON(unknown).awaitingVolunteer)
        let escaped = #"{"language":"\u0065\u006e","languageChosen":false,"pendingChoices":["\ud83d\ude00"],"failedClarifications":0,"awaitingVolunteer":false}"#
        let state = try ConversationState.fromStoredJSON(escaped)
        #expect(state.language == "en" && state.pendingChoices == ["😀"])
        #expect(throws: (any Error).self) { try ConversationState.fromStoredJSON(#"{"language":"en"}"#) }
        #expect(throws: (any Error).self) { try ConversationState.fromStoredJSON("not json") }
    }
}
