import Synchronization

/// What the channel has done, for tests and (later) metrics. Counts only, never content.
public final class HTTPPollCounters: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var polls = 0
        public var emptyPolls = 0
        public var messagesStored = 0
        /// Messages the endpoint served again after a lost acknowledgement: dropped by id.
        public var duplicatesDropped = 0
        public var pollFailures = 0
        /// Failed polls since the last one that worked: what the health endpoint reports.
        public var failingPollsInARow = 0
        /// Polls that ended by the client's own deadline (not the endpoint's answer).
        public var pollTimeouts = 0
        public var invalidResponses = 0
        public var sent = 0
        public var sendFailures = 0
        public var refused = 0
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ change: (inout Snapshot) -> Void) {
        state.withLock { change(&$0) }
    }
}
