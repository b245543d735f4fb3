/// A line connection opened by `CurlEventLoop.connectLine`: CRLF-terminated lines in and out.
///
/// Only an identifier and the loop: the socket itself stays on the loop thread.
public final class LineConnection: Sendable {
    let id: UInt64
    let loop: CurlEventLoop

    init(id: UInt64, loop: CurlEventLoop) {
        self.id = id
        self.loop = loop
    }

    deinit {
        let id = self.id
        loop.submit { state in state.closeLine(id: id, error: TransportError(.connectionClosed, detail: "closed")) }
    }

    /// Sends one line; CRLF is added here. A line that contains CR, LF or NUL is refused rather
    /// than sent, because it would let its author forge a second line.
    public func send(_ line: String) async throws {
        let bytes = Array(line.utf8)
        guard !bytes.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else {
            throw TransportError(.invalidLine, detail: "a line to send contains CR, LF or NUL")
        }
        let id = self.id
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let accepted = loop.submit { state in state.writeLine(connection: id, bytes: bytes, continuation: continuation) }
            if !accepted { continuation.resume(throwing: TransportError(.cancelled, detail: "event loop stopped")) }
        }
    }

    /// The next line without its CRLF, or nil when none arrived within `timeout`.
    /// Throws `.connectionClosed` once the peer has closed and every buffered line was read.
    public func readLine(timeout: Duration) async throws -> String? {
        let id = self.id
        let readerID = loop.nextID()
        let deadline = ContinuousClock.now + timeout
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String?, any Error>) in
                let reader = LineSocket.Reader(id: readerID, deadline: deadline, continuation: continuation)
                let accepted = loop.submit { state in state.readLine(connection: id, reader: reader) }
                if !accepted { continuation.resume(throwing: TransportError(.cancelled, detail: "event loop stopped")) }
            }
        } onCancel: {
            loop.submit { state in state.cancelRead(connection: id, reader: readerID) }
        }
    }

    /// Closes the connection; pending reads and writes fail with `.connectionClosed`.
    public func close() {
        let id = self.id
        loop.submit { state in state.closeLine(id: id, error: TransportError(.connectionClosed, detail: "closed by us")) }
    }
}
