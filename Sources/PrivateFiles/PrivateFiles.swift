import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files that hold workers' secrets (the stores, the pseudonym key) and the operator's (tokens, shared secrets):
/// created owner-only, and refused at start, with the command that fixes it, when others could read them or
/// replace them. One place for the rule, used by the bot's store, the relay's and the command line.
public enum PrivateFiles {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Others (neither the owner nor the group) may read it, or anyone but the owner may write it.
    static func isOpen(_ mode: mode_t) -> Bool { mode & 0o004 != 0 || mode & 0o022 != 0 }

    private static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// A secret the operator wrote (a token file): refused if others can read it or anyone but its owner can
    /// change it. A file that does not exist is left to the caller's own error.
    public static func checkSecret(_ path: String, what: String) throws(Problem) {
        guard let mode = mode(of: path), isOpen(mode) else { return }
        throw Problem(description: "\(what) \(path) can be read or changed by other users (mode \(String(mode, radix: 8))); "
            + "make it the owner's alone: chmod 600 \(path)")
    }

    /// A data directory: created owner-only (0700) when it does not exist; an existing one keeps its mode unless
    /// anyone but its owner may write in it (a shared folder, /tmp): then refused, as others could replace the
    /// store or the key. A directory others may only list is accepted: the files in it are owner-only.
    public static func prepareDirectory(_ path: String, what: String) throws(Problem) {
        if let mode = mode(of: path) {
            guard mode & 0o022 != 0 else { return }
            throw Problem(description: "\(what) \(path) can be written by other users (mode \(String(mode, radix: 8))); "
                + "use a directory of your own, or: chmod 700 \(path)")
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Problem(description: "cannot create \(what) \(path): \(error.localizedDescription)")
        }
    }

    /// Creates `path` empty and owner-only if it does not exist, and takes the group's and others' rights from it
    /// (and from SQLite's -wal and -shm beside it) if it does: SQLite gives its journal files the database's mode.
    public static func ownerOnly(_ path: String) throws(Problem) {
        if mode(of: path) == nil {
            let descriptor = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw Problem(description: "cannot create \(path): \(String(cString: strerror(errno)))")
            }
            close(descriptor)
        }
        for file in [path, path + "-wal", path + "-shm"] {
            guard let mode = mode(of: file), mode & 0o077 != 0 else { continue }
            guard chmod(file, mode & 0o700) == 0 else {
                throw Problem(description: "cannot make \(file) owner-only: \(String(cString: strerror(errno))); chmod 600 \(file)")
            }
        }
    }
}
