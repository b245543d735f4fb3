import Synchronization

/// Remembers the signatures seen within the replay window, so a captured request cannot be sent
/// again while its timestamp is still fresh. Older ones need no memory: the window refuses them.
public final class ReplayGuard: Sendable {
    private struct State {
        var seen: [String: Int64] = [:]
        var lastSweep: Int64 = 0
    }

    private let state = Mutex(State())
    private let window: Int64

    public init(window: Int64 = Signature.defaultTolerance) {
        self.window = window
    }

    /// Records `signature` (one canonical form per signature: `Signature.verify(header:body:now:admittingOnce:)`
    /// makes it, never the header's text); throws `.replayed` if it was seen before.
    public func admit(_ signature: String, timestamp: Int64, now: Int64) throws(SignatureError) {
        let fresh = state.withLock { state -> Bool in
            if now - state.lastSweep > window / 10 {
                state.seen = state.seen.filter { now - $0.value <= window * 2 }
                state.lastSweep = now
            }
            guard state.seen[signature] == nil else { return false }
            state.seen[signature] = timestamp
            return true
        }
        guard fresh else { throw SignatureError(.replayed) }
    }
}
