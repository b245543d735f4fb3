import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import Logging
import Testing

/// Inbox → engine → outbox through a real SQLite file: the path every channel uses.
@Suite struct HelplineFlowTests {
    let helpline: Helpline
    let store: CaseStore

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-flow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try CaseStore(path: directory.appendingPathComponent("store.sqlite").path)
        let logger = Logger(label: "test")
        let library = try AnswerLibrary(directory: HelplineEngineTests.intents, logger: logger)
        helpline = Helpline(
            store: store, library: library, pseudonymizer: Pseudonymizer(key: Array(repeating: 3, count: 32)),
            defaultLanguage: .en, logger: logger)
    }

    private func message(_ id: String, _ text: String, from address: String = "maria") -> InboundMessage {
        InboundMessage(channel: "test", messageID: id, address: address, text: text)
    }

    @Test func aMessageIsAnsweredOnceEvenWhenItsChannelDeliversItTwice() throws {
        _ = try helpline.receive(message("u-1", "hola"))
        try helpline.processPending()
        _ = try helpline.receive(message("u-1", "hola"))  // the channel retried after a lost acknowledgement
        try helpline.processPending()
        let replies = try store.pendingOutbox(channel: "test")
        #expect(replies.count == 1)
        #expect(replies.first?.address == "maria")
    }

    @Test func repliesWaitInTheOutboxUntilDelivered() throws {
        _ = try helpline.receive(message("u-1", "hello"))
        _ = try helpline.receive(message("u-2", "bonjour", from: "jean"))
        #expect(try helpline.processPending() == 2)
        let replies = try store.pendingOutbox(channel: "test")
        #expect(Set(replies.map(\.address)) == ["maria", "jean"])
        // No send confirmed: after a restart the same replies, with the same keys, are still there.
        let again = try store.pendingOutbox(channel: "test")
        #expect(again.map(\.key) == replies.map(\.key))
        for reply in replies { try store.markDelivered(reply) }
        #expect(try store.pendingOutbox(channel: "test").isEmpty)
    }

    @Test func workersAreStoredByPseudonymOnly() throws {
        guard case .stored(_, let pseudonym) = try helpline.receive(message("u-1", "hello", from: "maria-5551234")) else {
            Issue.record("not stored")
            return
        }
        #expect(pseudonym.hasPrefix("w-"))
        #expect(!pseudonym.contains("maria"))
        let item = try #require(try store.pendingInbox().first)
        #expect(item.pseudonym == pseudonym)
    }

    @Test func hugeMessagesAreCappedBeforeTheyAreStored() throws {
        _ = try helpline.receive(message("u-1", String(repeating: "é", count: 1_000_000)))
        let item = try #require(try store.pendingInbox().first)
        #expect(item.text.utf8.count <= Helpline.maxMessageBytes)
        #expect(item.text.unicodeScalars.allSatisfy { $0 == "é" })
    }

    @Test func aBrokenReloadKeepsTheLastGoodSet() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-reload-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: HelplineEngineTests.intents, to: directory)
        let library = try AnswerLibrary(directory: directory, logger: Logger(label: "test"))
        let before = library.snapshot.answers.intents.count
        try "id: greeting\nescalate: maybe\n".write(
            to: directory.appendingPathComponent("greeting.yaml"), atomically: true, encoding: .utf8)
        let problems = library.reload()
        #expect(!problems.isEmpty)
        #expect(library.snapshot.answers.intents.count == before)
        #expect(library.snapshot.answers["greeting"]?.escalate == .never)
    }
}
