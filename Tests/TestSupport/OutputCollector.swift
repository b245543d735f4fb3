public import Foundation
import Synchronization

/// Collects what a child process writes, on a thread of its own, so that a test can wait for a
/// text with a deadline instead of blocking forever on a read.
public final class OutputCollector: Sendable {
    private let buffer = Mutex(Data())

    public init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }  // end of file
                buffer.withLock { $0.append(chunk) }
            }
        }
        thread.start()
    }

    public var text: String { buffer.withLock { String(decoding: $0, as: UTF8.self) } }

    /// True as soon as `needle` has appeared `occurrences` times, false if not within `timeout`.
    public func waitFor(_ needle: String, occurrences: Int = 1, timeout: Duration = .seconds(20)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if count(of: needle) >= occurrences { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return count(of: needle) >= occurrences
    }

    /// How many times `needle` has appeared so far.
    public func count(of needle: String) -> Int { text.components(separatedBy: needle).count - 1 }
}
