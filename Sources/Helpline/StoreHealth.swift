import CaseTracker
public import Foundation
import Logging
import Synchronization

/// Whether the store takes writes now: a full disk, a read-only mount or a damaged file stop the
/// helpline from acknowledging anything new, and the operator must hear it once (not once a
/// message), then again when it is over. Read by the health endpoint.
public final class StoreHealth: Sendable {
    public struct Problem: Sendable, Equatable {
        public let explanation: String
        public let since: Date
    }

    private let state = Mutex<Problem?>(nil)

    public init() {}

    public var problem: Problem? { state.withLock { $0 } }

    func failed(_ error: any Error, logger: Logger) {
        let explanation = StoreError.explain(error)
        let isNew = state.withLock { problem -> Bool in
            guard problem?.explanation != explanation else { return false }
            problem = Problem(explanation: explanation, since: Date())
            return true
        }
        if isNew { logger.error("store.unwritable", metadata: ["store.problem": "\(explanation)"]) }
    }

    func succeeded(logger: Logger) {
        guard let was = state.withLock({ problem -> Problem? in
            defer { problem = nil }
            return problem
        }) else { return }
        logger.notice(
            "store.writable_again", metadata: ["store.unwritable_seconds": "\(Int(Date().timeIntervalSince(was.since)))"])
    }

    /// Runs store work on the helpline's behalf, noting whether it worked. Only a result that
    /// wrote something (`wrote`) proves the store writable again: reads work on a full disk.
    func watch<T>(_ logger: Logger, wrote: (T) -> Bool = { _ in true }, _ body: () throws -> T) rethrows -> T {
        do {
            let result = try body()
            if wrote(result) { succeeded(logger: logger) }
            return result
        } catch {
            failed(error, logger: logger)
            throw error
        }
    }
}
