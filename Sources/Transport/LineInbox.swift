import Synchronization

/// The lines a connection has received and nobody has read yet, shared by the loop thread (which appends) and the
/// connection's reader (which takes). Shared so that a reader finds lines already there without a round trip
/// through the loop thread: under load, that round trip (submit, wake the loop, resume the reader) was two of the
/// context switches each message cost. The loop still answers a reader who has to wait (deadlines, closing).
///
/// One reader at a time, as the connection's contract says: a line is taken by whoever asks first.
final class LineInbox: Sendable {
    private struct Lines {
        var items: [String] = []
        var head = 0
        var count: Int { items.count - head }

        mutating func take() -> String? {
            guard head < items.count else { return nil }
            let line = items[head]
            head += 1
            // Compact now and then, not on every take: the array is reused.
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 256 && head * 2 >= items.count {
                items.removeFirst(head)
                head = 0
            }
            return line
        }
    }

    private let lines = Mutex(Lines())

    var count: Int { lines.withLock { $0.count } }

    func append(_ line: String) {
        lines.withLock { $0.items.append(line) }
    }

    /// The oldest line and how many are left after it, in one look.
    func take() -> (line: String, left: Int)? {
        lines.withLock { lines in lines.take().map { ($0, lines.count) } }
    }
}
