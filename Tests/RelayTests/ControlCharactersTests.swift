@testable import CaseTracker
import Foundation
import GRDB
import PollProtocol
import Relay
import TestSupport
import Testing
import Transport

/// A NUL or another C0 control in a worker's text is shown (␀, ␇), never cut and never kept raw, at the relay
/// and in the bot's store (issue #18, item 9). Before, SQLite took the text as a C string and the rest of the
/// message after a NUL was lost at both.
@Suite(.serialized) struct ControlCharactersTests {
    @Test(.timeLimit(.minutes(1))) func aNulIsShownAndNothingAfterItIsLost() async throws {
        let relay = try RelayUnderTest()
        defer { relay.process.stop() }
        let loop = try CurlEventLoop()
        defer { loop.shutdown() }
        let text = "nul\u{0}in the middle, a bell\u{7} and\ttabs\nand lines stay"
        let shown = "nul\u{2400}in the middle, a bell\u{2407} and\ttabs\nand lines stay"
        #expect(try await relay.postInbound(InboundSubmission(id: "nul-1", from: "+4471000001", text: text), loop: loop).status == 200)

        // Read at the relay before the bot polls: once it has, the relay erases the text (docs/http-channel.md).
        let relayStore = try RelayStore(path: relay.storePath, fullSync: false)
        #expect(try relayStore.updates(after: 0, limit: 10).messages.map(\.text) == [shown])
        let bot = try PollingBot(relay: relay, pollWait: .seconds(1))
        var stored: [String] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while stored.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            stored = try await bot.store.database.read { (db: Database) in try String.fetchAll(db, sql: "SELECT text FROM inbox") }
        }
        #expect(stored == [shown])
        await bot.stop()
    }
}
