import CaseTracker
import Foundation
import GRDB
import Synchronization
import Testing

/// `CaseStore.backup(to:)` against real SQLite files, while another thread keeps writing.
@Suite struct BackupTests {
    /// What the writing thread and the test share.
    final class Shared: Sendable {
        let acknowledged = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let failure = Mutex<String?>(nil)
    }

    let directory: URL
    let store: CaseStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // NORMAL: commits stay in the WAL until a checkpoint, which is what a plain file copy would miss.
        store = try CaseStore(path: directory.appendingPathComponent("live.sqlite").path, durability: .normal)
    }

    /// One worker's message as the helpline handles it, in its three transactions: stored, answered
    /// (reply in the outbox, conversation kept), then escalated (a case, its event, its announcement).
    private static func handleOneWorker(_ number: Int, in store: CaseStore) throws {
        let pseudonym = "w-\(number)"
        let message = InboundMessage(channel: "sms", messageID: "m-\(number)", address: "+1555000\(number)", text: "help \(number)")
        _ = try store.receive(message, pseudonym: pseudonym)
        guard let item = try store.pendingInbox(limit: 1).first else { throw StoreError("message \(number) was not stored") }
        try store.complete(item, state: ConversationState(language: "en"), replies: ["A volunteer will answer."])
        _ = try store.openCase(
            pseudonym: pseudonym, channel: "sms", language: "en", topic: "human", urgent: number % 7 == 0, reopenWithin: 0
        ) { found, _ in [Announcement(channel: "irc", target: "#volunteers", text: "New case #\(found.id)")] }
    }

    @Test func aBackupTakenWhileAnotherThreadWritesIsAConsistentSnapshotWithEverythingAcknowledged() throws {
        let store = self.store
        let shared = Shared()
        let done = DispatchSemaphore(value: 0)
        let writer = Thread {
            var number = 0
            // At least several hundred workers, and on until the test has seen writes go on after the backup.
            while number < 400 || !shared.stop.load(ordering: .acquiring) {
                do {
                    try Self.handleOneWorker(number, in: store)
                } catch {
                    shared.failure.withLock { $0 = "worker \(number): \(error)" }
                    break
                }
                number += 1
                shared.acknowledged.store(number, ordering: .releasing)
            }
            done.signal()
        }
        writer.start()

        while shared.acknowledged.load(ordering: .acquiring) < 200 && shared.failure.withLock({ $0 }) == nil { usleep(1_000) }
        let acknowledgedBefore = shared.acknowledged.load(ordering: .acquiring)
        let path = directory.appendingPathComponent("backup.sqlite").path
        let summary = try store.backup(to: path)
        let acknowledgedAfter = shared.acknowledged.load(ordering: .acquiring)
        // Writes go on after the backup: the copy is a moment in the middle of them, not their end.
        while shared.acknowledged.load(ordering: .acquiring) < acknowledgedAfter + 50 && shared.failure.withLock({ $0 }) == nil { usleep(1_000) }
        shared.stop.store(true, ordering: .releasing)
        done.wait()
        #expect(shared.failure.withLock { $0 } == nil)
        let finalCount = shared.acknowledged.load(ordering: .acquiring)

        // The file as written, before anything opens it as a store (which would migrate it).
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(summary.bytes == (attributes[.size] as? NSNumber)?.int64Value)
        #expect(summary.schemaVersion == CaseStore.latestSchemaVersion)
        for suffix in ["-wal", "-shm", "-journal"] {
            #expect(!FileManager.default.fileExists(atPath: path + suffix), "the backup left \(suffix) beside it")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)

        let copy = try DatabaseQueue(path: path)
        let counts = try copy.read { db in
            (
                migrations: try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
                inbox: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox")!,
                processed: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox WHERE processed_at IS NOT NULL")!,
                outbox: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox")!,
                conversations: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conversation")!,
                cases: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM helpline_case")!,
                openedEvents: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_event WHERE kind = 'opened'")!,
                announcements: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM announcement")!,
                withoutAddress: try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM inbox WHERE pseudonym NOT IN (SELECT pseudonym FROM worker_address)")!,
                messageIDs: try String.fetchSet(db, sql: "SELECT message_id FROM inbox"),
                casePseudonyms: try String.fetchSet(db, sql: "SELECT pseudonym FROM helpline_case")
            )
        }
        try copy.close()

        #expect(counts.migrations.contains(CaseStore.latestSchemaVersion))
        #expect(summary.cases == counts.cases)
        // Mid-way: everything acknowledged before, nothing written after the backup ended.
        #expect(counts.cases >= acknowledgedBefore)
        #expect(counts.inbox <= acknowledgedAfter + 1)
        #expect(counts.cases < finalCount)
        let missing = (0..<acknowledgedBefore).filter { !counts.messageIDs.contains("m-\($0)") || !counts.casePseudonyms.contains("w-\($0)") }
        #expect(missing.isEmpty, "acknowledged before the backup, absent from it: \(missing.prefix(10))")
        // One snapshot: each transaction is in it whole or not at all, so related tables agree.
        #expect(counts.processed == counts.outbox)
        #expect(counts.processed == counts.conversations)
        #expect(counts.cases == counts.openedEvents)
        #expect(counts.cases == counts.announcements)
        #expect(counts.withoutAddress == 0)
        // At most the one worker in flight is part way: stored but not answered, or answered but no case yet.
        #expect([0, 1].contains(counts.inbox - counts.cases))
        #expect(counts.inbox >= counts.processed && counts.processed >= counts.cases)

        let restored = try CaseStore(path: path)
        #expect(try restored.integrityCheck() == "ok")
        #expect(try restored.schemaVersion() == CaseStore.latestSchemaVersion)
        #expect(try restored.listCases().count == counts.cases)
        #expect(try restored.verifyAudit().firstBad == nil)
    }

    @Test func anExistingFileIsNeverReplacedUnlessAskedAndThenOnlyOnceTheNewCopyIsComplete() throws {
        try Self.handleOneWorker(1, in: store)
        let path = directory.appendingPathComponent("daily.sqlite").path
        try Data("an earlier backup".utf8).write(to: URL(fileURLWithPath: path))
        let refusal = #expect(throws: StoreError.self) { try store.backup(to: path) }
        #expect(refusal?.description.contains("already exists") == true && refusal?.description.contains("--force") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "an earlier backup")

        let summary = try store.backup(to: path, replacing: true)
        #expect(summary.cases == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try CaseStore(path: path).listCases().count == 1)
    }

    @Test func theLiveStoreAndAMissingDirectoryAreRefusedWithWhatToDo() throws {
        let live = directory.appendingPathComponent("live.sqlite").path
        let itself = #expect(throws: StoreError.self) { try store.backup(to: live, replacing: true) }
        #expect(itself?.description.contains("the live store itself") == true)
        let nowhere = directory.appendingPathComponent("no-such-dir/backup.sqlite").path
        let missing = #expect(throws: StoreError.self) { try store.backup(to: nowhere) }
        #expect(missing?.description.contains("does not exist") == true)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func theLatestSchemaVersionIsTheLastMigrationAndANewStoreIsAtIt() throws {
        #expect(CaseStore.latestSchemaVersion == "v8: keyed audit chain")
        #expect(try store.schemaVersion() == CaseStore.latestSchemaVersion)
    }
}
