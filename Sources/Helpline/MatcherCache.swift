internal import CaseTracker
public import Foundation
public import IntentMatcher
#if canImport(Glibc)
import Glibc
#endif

/// The matcher's learned model and calibration (`TrainedState`), kept in the data directory so that a restart
/// or a reload on unchanged answer files does not train again: training and calibration are about two thirds
/// of a load, and the memory they take at their peak (docs/benchmarks.md). One file, named by a SHA-256 of
/// what the training depends on (`Matcher.trainingInput`: the answer set and the matcher's settings) and of the
/// program (its path, size and modification time, so a rebuilt or upgraded binary trains again).
///
/// It holds nothing about workers: only what the answer files already say, turned into numbers. A file that is
/// missing, cut short, damaged or of another format is set aside and the model trained as usual; a failure to
/// write is reported and changes nothing else. Each write replaces the file of the previous set.
public struct MatcherCache: Sendable {
    public let directory: URL

    /// `directory` is created owner-only when first written.
    public init(directory: URL) {
        self.directory = directory
    }

    /// What happened to a load, for the log.
    public enum Outcome: Sendable, Equatable {
        /// Read back: no training.
        case reused
        /// Nothing kept for this set (first start, changed files, another program): trained and kept.
        case trained
        /// A kept file was refused (damaged) or could not be written: trained, with the reason.
        case problem(String)
    }

    /// The matcher for `answers`: read back when kept, else trained and kept.
    public func matcher(for answers: AnswerSet, configuration: MatcherConfiguration = .default)
        -> (matcher: Matcher, outcome: Outcome) {
        guard let key = Self.key(answers, configuration: configuration) else {
            return (Matcher(answers: answers, configuration: configuration), .problem("the program's file cannot be read"))
        }
        let file = directory.appendingPathComponent("matcher-\(key).bin")
        var refused: String?
        if let bytes = FileManager.default.contents(atPath: file.path) {
            do {
                let state = try TrainedState(decoding: [UInt8](bytes))
                let matcher = Matcher(answers: answers, configuration: configuration, trained: state)
                return (matcher, .reused)
            } catch {
                refused = "\(file.lastPathComponent) set aside: \(error)"
            }
        }
        let matcher = Matcher(answers: answers, configuration: configuration)
        if let problem = write(matcher.trainedState.encoded(), to: file) {
            return (matcher, .problem(refused.map { "\($0); \(problem)" } ?? problem))
        }
        return (matcher, refused.map(Outcome.problem) ?? .trained)
    }

    /// Writes to a temporary file and renames it (a reader sees the whole file or none), then removes the files
    /// of earlier sets. The error, or nil.
    private func write(_ bytes: [UInt8], to file: URL) -> String? {
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let temporary = directory.appendingPathComponent(".\(file.lastPathComponent).\(getpid()).tmp")
            guard FileManager.default.createFile(atPath: temporary.path, contents: Data(bytes),
                                                 attributes: [.posixPermissions: 0o600]) else {
                return "cannot write \(temporary.path)"
            }
            guard rename(temporary.path, file.path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary.path)
                return "cannot rename \(temporary.path) to \(file.path): \(reason)"
            }
            // Earlier sets' files, and what a process killed while writing left behind.
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path)
            where name != file.lastPathComponent && (name.hasPrefix("matcher-") && name.hasSuffix(".bin")
                || name.hasPrefix(".matcher-") && name.hasSuffix(".tmp")) {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
            }
            return nil
        } catch {
            return "cannot write in \(directory.path): \(error.localizedDescription)"
        }
    }

    /// Lowercase hex SHA-256 of the program's identity and the training input, or nil when the program's file
    /// cannot be read (then nothing is kept: a model from another build could be read back).
    static func key(_ answers: AnswerSet, configuration: MatcherConfiguration) -> String? {
        guard let program = programIdentity() else { return nil }
        return Digest.sha256Hex(Array(program.utf8) + [0] + Matcher.trainingInput(answers, configuration: configuration))
    }

    /// The running program's path, size and modification time (to the nanosecond).
    static func programIdentity() -> String? {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return nil }
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return "\(path) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}
