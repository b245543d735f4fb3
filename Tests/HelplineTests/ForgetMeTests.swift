import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import Logging
import Testing

/// 100 workers with cases say "forget me" (in their languages): afterwards a byte search of the
/// database and its WAL finds nothing of them, each erasure is audited, each worker was told.
@Suite struct ForgetMeTests {
    @Test func hundredWorkersWithCasesAreErasedWithoutATrace() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-forget-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("f.sqlite").path
        let store = try CaseStore(path: path)
        let logger = Logger(label: "test")
        let helpline = Helpline(
            store: store, library: try AnswerLibrary(directory: HelplineEngineTests.intents, logger: logger),
            pseudonymizer: Pseudonymizer(key: Array(repeating: 8, count: 32)), defaultLanguage: .en, logger: logger)
        let forget = ["forget me", "oublie-moi", "olvídame", "esquece-me", "انسني"]
        var pseudonyms: [String] = []
        for index in 0..<100 {
            let address = "canary-handle-\(index)@example.org"
            for (step, text) in ["I want to talk to a human", "my secret story zebra\(index)"].enumerated() {
                guard case .stored(_, let pseudonym) = try helpline.receive(
                    InboundMessage(channel: "http", messageID: "m-\(index)-\(step)", address: address, text: text))
                else { continue }
                if step == 0 { pseudonyms.append(pseudonym) }
            }
        }
        try helpline.processPending()
        #expect(try store.listCases().count == 100)
        for reply in try store.pendingOutbox(channel: "http") { try store.markDelivered(reply) }

        for index in 0..<100 {
            _ = try helpline.receive(InboundMessage(
                channel: "http", messageID: "f-\(index)", address: "canary-handle-\(index)@example.org", text: forget[index % forget.count]))
        }
        try helpline.processPending()
        // Each worker is told, in their own language, what goes and then that it is done, before
        // the last of their data (the address these two need) goes.
        let confirmations = try store.pendingOutbox(channel: "http", limit: 1_000)
        #expect(confirmations.count == 200)
        #expect(Set(confirmations.map(\.address)).count == 100)
        let before = Set(Language.allCases.map { SystemMessage.erasing.text(in: $0) })
        let after = Set(Language.allCases.map { SystemMessage.erased.text(in: $0) })
        for replies in Dictionary(grouping: confirmations, by: \.address).values {
            #expect(replies.count == 2 && before.contains(replies[0].text) && after.contains(replies[1].text))
        }
        for reply in confirmations { try store.markDelivered(reply) }

        #expect(try store.listCases().isEmpty)
        #expect(try store.auditRecords().filter { $0.action == "erase" }.count == 100)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("f.sqlite") }
        for file in files {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(file))
            for index in stride(from: 0, to: 100, by: 1) {
                #expect(bytes.range(of: Data("canary-handle-\(index)@".utf8)) == nil, "address \(index) in \(file)")
                #expect(bytes.range(of: Data("zebra\(index)".utf8)) == nil, "story \(index) in \(file)")
                #expect(bytes.range(of: Data(pseudonyms[index].utf8)) == nil, "pseudonym \(index) in \(file)")
            }
        }
    }
}
