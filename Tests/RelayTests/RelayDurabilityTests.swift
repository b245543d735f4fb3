import Foundation
import GRDB
import Testing

@testable import Relay

/// `--durability` must reach the connection that commits: GRDB turns WAL on after
/// `prepareDatabase` and sets `synchronous = NORMAL` on the writer as it does.
@Suite struct RelayDurabilityTests {
    private func synchronous(fullSync: Bool) throws -> Int? {
        let directory = try temporaryDirectory("relay-sync")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try RelayStore(path: directory.appendingPathComponent("relay.sqlite").path, fullSync: fullSync)
        return try store.database.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
    }

    @Test func fullSyncsEveryCommitOnTheWriter() throws {
        #expect(try synchronous(fullSync: true) == 2)  // FULL
    }

    @Test func normalIsNormal() throws {
        #expect(try synchronous(fullSync: false) == 1)  // NORMAL
    }
}
