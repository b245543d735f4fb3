import Foundation
import GRDB
import Testing

@testable import CaseTracker

/// `store.durability` must reach the connection that commits: GRDB turns WAL on after
/// `prepareDatabase` and sets `synchronous = NORMAL` on the writer as it does.
@Suite struct DurabilityTests {
    private func synchronous(_ durability: CaseStore.Durability) throws -> Int? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CaseStore(path: directory.appendingPathComponent("store.sqlite").path, durability: durability)
        return try store.database.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
    }

    @Test func fullSyncsEveryCommitOnTheWriter() throws {
        #expect(try synchronous(.full) == 2)  // FULL
    }

    @Test func normalIsNormal() throws {
        #expect(try synchronous(.normal) == 1)  // NORMAL
    }
}
