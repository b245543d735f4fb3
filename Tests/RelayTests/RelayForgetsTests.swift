import Foundation
import GRDB
import PollProtocol
import TestSupport
import Testing
import Transport

@testable import Relay

/// The relay keeps a worker's words only until the other side has them, and forgets a worker who said "forget
/// me" (issue #18, item 1): on its own SQLite file, then through the real relay and `entraide serve`.
@Suite(.serialized) struct RelayForgetsTests {
    private func store() throws -> (RelayStore, URL) {
        let directory = try temporaryDirectory("relay-forgets")
        return (try RelayStore(path: directory.appendingPathComponent("relay.sqlite").path, fullSync: false), directory)
    }

    @Test func anAcknowledgedMessageKeepsItsIdAndLosesItsWords() throws {
        let (store, directory) = try store()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (index, text) in ["first words", "second words", "third words"].enumerated() {
            _ = try store.addInbound(InboundSubmission(id: "m\(index + 1)", from: "+58412555120\(index)", text: text))
        }
        #expect(try store.acknowledge(through: 2) == 2)
        #expect(try store.acknowledge(through: 2) == 0)  // nothing twice
        let rows = try store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, id, sender, text FROM inbound ORDER BY seq")
        }
        #expect(rows.map { $0["text"] as String } == ["", "", "third words"])
        #expect(rows.map { $0["sender"] as String } == ["", "", "+584125551202"])
        // What the bot asks for next, even from an old cursor, holds only what it has not acknowledged.
        #expect(try store.updates(after: 0, limit: 10).messages.map(\.id) == ["m3"])
        // A provider's retry of an acknowledged message is known: acknowledged again, not stored again.
        #expect(try store.addInbound(InboundSubmission(id: "m1", from: "+584125551200", text: "first words")) == .duplicate)
        #expect(try store.updates(after: 0, limit: 10).messages.map(\.id) == ["m3"])
        // Tombstones go after their lifetime; sequences are never reused (the bot's cursor stays valid).
        let later = Date().addingTimeInterval(RelayStore.tombstoneLifetime + 60)
        #expect(try store.acknowledge(through: 3, at: later) == 1)
        #expect(try store.acknowledge(through: 3, at: later.addingTimeInterval(RelayStore.tombstoneLifetime + 60)) == 0)
        _ = try store.addInbound(InboundSubmission(id: "m4", from: "+584125551204", text: "fourth"))
        #expect(try store.inboundSequences()["m4"] == 4)
    }

    @Test func aForwardedReplyLosesItsTextAndAForgetReplyItsRecipient() throws {
        let (store, directory) = try store()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try store.addOutbound(OutgoingMessage(id: "r1", to: "+33612345678", text: "your answer"))
        _ = try store.addOutbound(OutgoingMessage(id: "r2", to: "+33612345678", text: "Done: erased", forget: true))
        _ = try store.addOutbound(OutgoingMessage(id: "r3", to: "+254700000001", text: "another worker's answer"))
        try store.markForwarded(sequence: 1)
        var rows = try store.allReplies()
        #expect(rows.map(\.message.text) == ["", "Done: erased", "another worker's answer"])
        #expect(rows[0].message.to == "+33612345678")  // kept (for the figures) until "forget me" or its lifetime
        try store.markForwarded(sequence: 2)
        rows = try store.allReplies()
        #expect(rows.map(\.message.to) == ["", "", "+254700000001"])
        #expect(rows.map(\.message.text) == ["", "", "another worker's answer"])
        // A resend of a forgotten reply after a crash of the bot is recognised, not forwarded again.
        #expect(try store.addOutbound(OutgoingMessage(id: "r1", to: "+33612345678", text: "your answer")) == .duplicate)
        #expect(try store.pendingForward(limit: 10).map(\.message.id) == ["r3"])
        // A form reads its replies: those up to its cursor are handed on the same way.
        _ = try store.addOutbound(OutgoingMessage(id: "r4", to: "form-7", text: "form answer", forget: true))
        #expect(try store.replies(to: "form-7", after: 0, limit: 10).map(\.message.text) == ["form answer"])
        #expect(try store.replies(to: "form-7", after: 4, limit: 10).isEmpty)
        #expect(try store.allReplies().allSatisfy { $0.message.to != "form-7" && $0.message.text != "form answer" })
    }

    /// The whole path: a worker writes through the relay with an e-mail and a phone number in the text, then
    /// says "forget me"; afterwards neither store's files (database and WAL) hold their address or words.
    @Test(.timeLimit(.minutes(3))) func forgetMeLeavesNothingInTheRelaysFiles() async throws {
        let directory = try temporaryDirectory("relay-forget-e2e")
        let receiver = try WebhookReceiver(in: directory)
        defer { receiver.process.stop() }
        let relay = try RelayUnderTest(webhook: receiver.url)
        defer { relay.process.stop() }
        let serve = try ServeUnderTest(
            configuration: try relay.httpConfiguration(in: directory, ["poll_wait_seconds: 2"]), directory: directory)
        defer { serve.kill() }
        let loop = try CurlEventLoop()
        defer { loop.shutdown() }

        let worker = "+584125559876"
        let other = "+254711223344"
        let secretWords = "my requester Zyxwvut rejected everything, write me at ana.rojas@example.org or +58 412 555 9876"
        func received() -> [OutgoingMessage] {
            let text = (try? String(contentsOf: receiver.file, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                guard let record = try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) else { return nil }
                return try? JSONDecoder().decode(OutgoingMessage.self, from: Data((record["body"] ?? "").utf8))
            }
        }
        func waitFor(_ count: Int, to address: String) async throws {
            let deadline = ContinuousClock.now + .seconds(60)
            while received().count(where: { $0.to == address }) < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(received().count(where: { $0.to == address }) >= count, "serve said: \(serve.output.text.suffix(1500))")
        }
        #expect(try await relay.postInbound(InboundSubmission(id: "w-1", from: worker, text: secretWords), loop: loop).status == 200)
        #expect(try await relay.postInbound(InboundSubmission(id: "o-1", from: other, text: "hello"), loop: loop).status == 200)
        try await waitFor(1, to: worker)
        try await waitFor(1, to: other)
        let repliesBefore = received().count(where: { $0.to == worker })
        #expect(try await relay.postInbound(InboundSubmission(id: "w-2", from: worker, text: "forget me"), loop: loop).status == 200)
        try await waitFor(repliesBefore + 2, to: worker)  // what goes, then "Done"
        // The provider never sees the flag: it is between the bot and the relay.
        #expect(received().allSatisfy { $0.forget == nil })

        // The relay marks the worker forgotten once the confirmation is forwarded; give it a moment to commit.
        let files = ["relay.sqlite", "relay.sqlite-wal"].map { relay.directory.appendingPathComponent("data/\($0)") }
        func leftovers() -> [String] {
            let bytes = files.compactMap { try? Data(contentsOf: $0) }.reduce(Data(), +)
            return [worker, "584125559876", "ana.rojas@example.org", "Zyxwvut", "forget me"].filter {
                bytes.range(of: Data($0.utf8)) != nil
            }
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while !leftovers().isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(200)) }
        #expect(leftovers().isEmpty, "still in the relay's files: \(leftovers())")

        // The other worker is not forgotten: their reply's recipient is still counted (its text is gone).
        let relayStore = try RelayStore(path: relay.storePath, fullSync: false)
        #expect(try relayStore.allReplies().contains { $0.message.to == other && $0.message.text.isEmpty })
    }
}
