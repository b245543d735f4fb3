import CaseTracker
import Foundation
import Synchronization
import Testing

/// Against real SQLite files in a fresh temporary directory per test.
@Suite struct CaseStoreTests {
    let directory: URL
    let store: CaseStore
    let pseudonymizer = Pseudonymizer(key: Array(repeating: 7, count: 32))

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try CaseStore(path: directory.appendingPathComponent("store.sqlite").path)
    }

    private func message(_ id: String, from address: String = "nick1", text: String = "hello") -> InboundMessage {
        InboundMessage(channel: "irc", messageID: id, address: address, text: text)
    }

    private func receive(_ message: InboundMessage) throws -> ReceiveOutcome {
        try store.receive(message, pseudonym: pseudonymizer.pseudonym(channel: message.channel, address: message.address))
    }

    @Test func aMessageDeliveredTwiceIsStoredOnce() throws {
        let first = try receive(message("m-1"))
        let second = try receive(message("m-1"))
        guard case .stored = first else {
            Issue.record("the first copy should be stored, got \(first)")
            return
        }
        #expect(second == .duplicate)
        #expect(try store.pendingInbox().count == 1)
    }

    @Test func completingStoresRepliesStateAndMarksProcessedAtomically() throws {
        _ = try receive(message("m-1"))
        let item = try #require(try store.pendingInbox().first)
        var state = ConversationState()
        state.language = "fr"
        try store.complete(item, state: state, replies: ["un", "deux"])
        #expect(try store.pendingInbox().isEmpty)
        #expect(try store.conversation(of: item.pseudonym).language == "fr")
        let outbox = try store.pendingOutbox(channel: "irc")
        #expect(outbox.map(\.text) == ["un", "deux"])
        #expect(outbox.map(\.key) == ["inbox-\(item.id)-0", "inbox-\(item.id)-1"])
        #expect(outbox.allSatisfy { $0.address == "nick1" })
    }

    @Test func completingTheSameItemTwiceAddsNoSecondReply() throws {
        _ = try receive(message("m-1"))
        let item = try #require(try store.pendingInbox().first)
        try store.complete(item, state: ConversationState(), replies: ["once"])
        try store.complete(item, state: ConversationState(), replies: ["once"])
        #expect(try store.pendingOutbox(channel: "irc").count == 1)
    }

    @Test func deliveredRepliesLeaveTheOutbox() throws {
        _ = try receive(message("m-1"))
        let item = try #require(try store.pendingInbox().first)
        try store.complete(item, state: ConversationState(), replies: ["a", "b"])
        let first = try #require(try store.pendingOutbox(channel: "irc").first)
        try store.markDelivered(first)
        #expect(try store.pendingOutbox(channel: "irc").map(\.text) == ["b"])
    }

    @Test func storeReopensWithEverythingCommitted() throws {
        let path = directory.appendingPathComponent("reopen.sqlite").path
        do {
            let first = try CaseStore(path: path)
            for index in 0..<20 {
                let m = message("m-\(index)")
                _ = try first.receive(m, pseudonym: pseudonymizer.pseudonym(channel: m.channel, address: m.address))
            }
        }
        let reopened = try CaseStore(path: path)
        #expect(try reopened.pendingInbox().count == 20)
        #expect(try reopened.integrityCheck() == "ok")
    }

    @Test func forgettingAWorkerErasesEverythingOnceTheConfirmationIsDelivered() throws {
        let canary = "canary-address-5551234"
        _ = try receive(message("m-1", from: canary, text: "my secret question zebra-7"))
        let first = try #require(try store.pendingInbox().first)
        try store.complete(first, state: ConversationState(language: "en"), replies: ["an answer quokka-3"])
        #expect(try store.pendingOutbox(channel: "irc").map(\.endsErasure) == [false])
        try store.markDelivered(try #require(try store.pendingOutbox(channel: "irc").first))
        _ = try receive(message("m-2", from: canary, text: "forget me"))
        let second = try #require(try store.pendingInbox().first)
        try store.complete(second, state: ConversationState(), replies: ["erasing", "erased"], eraseWorker: true)

        // Only what goes and the confirmation are left, and the address they need; the confirmation, last, is
        // the one that asks an endpoint keeping messages (the relay) to forget the worker too.
        var pending = try store.pendingOutbox(channel: "irc")
        #expect(pending.map(\.text) == ["erasing", "erased"])
        #expect(pending.map(\.endsErasure) == [false, true])
        try store.markDelivered(try #require(pending.first))
        pending = try store.pendingOutbox(channel: "irc")
        try store.markDelivered(try #require(pending.first))

        #expect(try store.pendingOutbox(channel: "irc").isEmpty)
        #expect(try store.conversation(of: first.pseudonym) == ConversationState())
        // Byte search of the database file and its WAL: no trace of the worker.
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("store.sqlite") }
        #expect(!files.isEmpty)
        for file in files {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
            for canaryText in [canary, "zebra-7", "quokka-3", first.pseudonym] {
                #expect(bytes.range(of: Data(canaryText.utf8)) == nil, "\(canaryText) found in \(file)")
            }
        }
    }
}

@Suite struct PseudonymizerTests {
    @Test func sameAddressSamePseudonymAndNFCFoldsAccents() {
        let p = Pseudonymizer(key: Array(repeating: 1, count: 32))
        let composed = p.pseudonym(channel: "irc", address: "Jos\u{E9}")
        let decomposed = p.pseudonym(channel: "irc", address: "Jose\u{301}")
        #expect(composed == decomposed)
        #expect(composed.hasPrefix("w-") && composed.count == 18)
        #expect(p.pseudonym(channel: "irc", address: "Jose") != composed)
        #expect(p.pseudonym(channel: "http", address: "Jos\u{E9}") != composed)
    }

    @Test func anotherKeyGivesUnlinkablePseudonyms() {
        let a = Pseudonymizer(key: Array(repeating: 1, count: 32))
        let b = Pseudonymizer(key: Array(repeating: 2, count: 32))
        #expect(a.pseudonym(channel: "irc", address: "maria") != b.pseudonym(channel: "irc", address: "maria"))
    }

    @Test func keyIsCreatedOnceWithOwnerOnlyPermissions() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-key-\(UUID().uuidString)/pseudonym.key")
        let first = try Pseudonymizer.loadOrCreateKey(at: url)
        let second = try Pseudonymizer.loadOrCreateKey(at: url)
        #expect(first.pseudonym(channel: "c", address: "a") == second.pseudonym(channel: "c", address: "a"))
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    /// `serve` and an operator's command starting at once on a fresh data directory: before, each wrote its own
    /// key over the other's, and pseudonyms and the audit chain were made under two keys (the first hour's
    /// `audit verify` failed one run in four). Now every caller ends with the one key on disk.
    @Test func keysCreatedAtOnceAreOneKey() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-key-\(UUID().uuidString)")
        let url = directory.appendingPathComponent("pseudonym.key")
        let pseudonyms = Mutex<[String?]>(Array(repeating: nil, count: 16))
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let made = try? Pseudonymizer.loadOrCreateKey(at: url).pseudonym(channel: "irc", address: "maria")
            pseudonyms.withLock { $0[index] = made }
        }
        let onDisk = try Pseudonymizer.loadOrCreateKey(at: url).pseudonym(channel: "irc", address: "maria")
        #expect(pseudonyms.withLock { $0 } == Array(repeating: onDisk, count: 16))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["pseudonym.key"])
    }
}
