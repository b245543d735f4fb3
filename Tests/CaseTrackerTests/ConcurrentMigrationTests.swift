import Foundation
import Testing
@testable import CaseTracker

/// `serve` and an operator's command started together on a new data directory both open the store: two
/// connection pools (as two processes would have) migrating the same new file must both succeed.
@Suite struct ConcurrentMigrationTests {
    @Test func twoStoresOpeningANewFileTogetherBothSucceed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for round in 0..<20 {
            let path = directory.appendingPathComponent("store-\(round).sqlite").path
            let failures = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        do { _ = try CaseStore(path: path); return nil } catch { return "\(error)" }
                    }
                }
                var failures: [String] = []
                for await failure in group { if let failure { failures.append(failure) } }
                return failures
            }
            #expect(failures.isEmpty, "round \(round): \(failures)")
        }
    }
}
