import GRDB

/// A problem with the case store that an operator can act on; the message says what to do.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

extension StoreError {
    /// Whether `error` came from the store itself (SQLite refused), rather than from what the caller did with it.
    public static func isStoreFailure(_ error: any Error) -> Bool { error is DatabaseError || error is StoreError }

    /// What a failed write means for the operator, in a sentence: the disk-full case above all,
    /// because the helpline then stops acknowledging and waits for space.
    public static func explain(_ error: any Error) -> String {
        guard let database = error as? DatabaseError else { return "\(error)" }
        switch database.resultCode {
        case .SQLITE_FULL:
            return "the data directory's file system is full: nothing new is acknowledged; free some space and the helpline resumes by itself"
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return "the store cannot be written (\(database.resultCode)): check the data directory's permissions and mount"
        case .SQLITE_IOERR:
            return "the disk reported an I/O error (\(database.extendedResultCode)): check the disk; the helpline retries"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return "the store is damaged (\(database.resultCode)): stop the helpline and restore the data directory from a backup"
        default:
            return "the store refused a write (\(database.resultCode))"
        }
    }
}
