import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// What a backup wrote, for the operator: the file, its size, its schema and how many cases it
/// holds. Nothing about any worker.
public struct BackupSummary: Sendable, Equatable {
    public var path: String
    public var bytes: Int64
    /// The last migration applied in the copy, such as "v5: volunteer desk".
    public var schemaVersion: String
    public var cases: Int
}

extension CaseStore {
    /// The last migration applied to this store (in the order they are registered), such as
    /// "v5: volunteer desk"; nil for a file no migration has touched.
    public func schemaVersion() throws -> String? {
        try database.read { db in try Migrations.migrator.appliedMigrations(db).last }
    }

    /// Copies the store into a new file at `path` with SQLite's online backup API, inside one read
    /// transaction: a consistent snapshot that includes the commits still in the WAL. A copy of
    /// `entraide.sqlite` with `cp` misses those (they reach the main file only at a checkpoint) and
    /// can catch a checkpoint half done. Safe while `serve` runs: its writes go on during the
    /// backup and are simply not in it.
    ///
    /// The copy is written under a temporary name beside `path`, owner-only (0600) from its first
    /// byte, checked with `integrity_check`, and only then given its name: a failed backup leaves
    /// no half file, and never destroys an earlier backup. An existing file is replaced only with
    /// `replacing`.
    @discardableResult
    public func backup(to path: String, replacing: Bool = false) throws -> BackupSummary {
        let target = URL(fileURLWithPath: path).standardizedFileURL
        let directory = target.deletingLastPathComponent()
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError("cannot write the backup to \(target.path): the directory \(directory.path) does not exist")
        }
        let live = URL(fileURLWithPath: database.path).resolvingSymlinksInPath().path
        let resolved = target.resolvingSymlinksInPath().path
        guard ![live, live + "-wal", live + "-shm"].contains(resolved) else {
            throw StoreError("\(target.path) is the live store itself: write the backup to another file, outside the data directory")
        }
        if !replacing && manager.fileExists(atPath: target.path) {
            throw StoreError("\(target.path) already exists: choose a new file name, or add --force to replace it")
        }

        let partial = directory.appendingPathComponent(".\(target.lastPathComponent).partial-\(UUID().uuidString)")
        try Self.createOwnerOnlyFile(partial.path)
        var finished = false
        defer {
            if !finished {
                for suffix in ["", "-journal", "-wal", "-shm"] { try? manager.removeItem(atPath: partial.path + suffix) }
            }
        }

        let copy = try DatabaseQueue(path: partial.path)
        let (schemaVersion, cases, integrity) = try Self.writeCopy(of: database, into: copy)
        try copy.close()
        guard integrity == "ok" else {
            throw StoreError("the backup failed its integrity check (\(integrity)); the store may be damaged: run it again, and if it fails again stop the helpline and check the disk")
        }
        guard let schemaVersion else {
            throw StoreError("the backup holds no schema version; nothing was written to \(target.path)")
        }

        try Self.moveIntoPlace(partial, target, replacing: replacing)
        finished = true
        Self.syncDirectory(directory.path)
        let bytes = (try? manager.attributesOfItem(atPath: target.path)[.size] as? NSNumber)?.int64Value ?? 0
        return BackupSummary(path: target.path, bytes: bytes, schemaVersion: schemaVersion, cases: cases)
    }

    /// The online backup, then the copy turned into a plain rollback-journal file (the source's
    /// header says WAL, and a copy that needs a `-wal` beside it is one more thing to lose), then
    /// what the operator is told, read back from the copy rather than from the live store.
    private static func writeCopy(
        of source: DatabasePool, into copy: DatabaseQueue
    ) throws -> (schemaVersion: String?, cases: Int, integrity: String) {
        try source.backup(to: copy)
        try copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
        return try copy.read { db in
            (
                try Migrations.migrator.appliedMigrations(db).last,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM helpline_case") ?? 0,
                try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer"
            )
        }
    }

    /// Created empty with mode 0600 before SQLite opens it: the copy holds what the store holds, and
    /// must never be readable by others, not even for the moment a chmod afterwards would leave.
    private static func createOwnerOnlyFile(_ path: String) throws {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError("cannot create the backup file \(path): \(String(cString: strerror(errno))); check the directory's permissions")
        }
        // The umask may only have removed bits; set exactly owner read and write.
        fchmod(descriptor, 0o600)
        closeDescriptor(descriptor)
    }

    /// `link` fails if the name exists, so two backups to one name cannot both win; `rename`
    /// replaces atomically when asked to.
    private static func moveIntoPlace(_ partial: URL, _ target: URL, replacing: Bool) throws {
        if replacing {
            guard rename(partial.path, target.path) == 0 else {
                throw StoreError("cannot move the backup into \(target.path): \(String(cString: strerror(errno)))")
            }
            return
        }
        if link(partial.path, target.path) == 0 {
            unlink(partial.path)
            return
        }
        let failure = errno
        if failure == EEXIST {
            throw StoreError("\(target.path) already exists: choose a new file name, or add --force to replace it")
        }
        // A file system without hard links: check once more, then rename.
        guard !FileManager.default.fileExists(atPath: target.path), rename(partial.path, target.path) == 0 else {
            throw StoreError("cannot move the backup into \(target.path): \(String(cString: strerror(failure)))")
        }
    }

    /// The new name is durable only once the directory is: best effort, the data itself is synced.
    private static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        closeDescriptor(descriptor)
    }
}

/// Outside the extension: inside it, `close` is the store's own (closing a case).
private func closeDescriptor(_ descriptor: Int32) {
    close(descriptor)
}
