internal import CCurl
internal import CCurlShim
public import Logging
import Foundation
import Synchronization

/// Owns one libcurl multi handle and every easy handle, on one dedicated thread.
///
/// Async callers hand it values (`HTTPRequest`, lines) and await values back; nothing of libcurl
/// crosses threads. Blocking calls (`curl_multi_poll`) stay off Swift's cooperative pool, which has
/// only as many threads as cores. `curl_multi_wakeup` is the only libcurl call made from other
/// threads, and only while holding the command lock, so it never races the final cleanup.
public final class CurlEventLoop: Sendable {
    typealias Command = @Sendable (LoopState) -> Void

    private struct Pending {
        var commands: [Command] = []
        var stopped = false
        var nextID: UInt64 = 1
    }

    /// The multi handle's address, shareable only because `curl_multi_wakeup` is thread-safe.
    private struct MultiHandle: @unchecked Sendable {
        let raw: UnsafeMutableRawPointer
    }

    private let pending = Mutex(Pending())
    private let multi: MultiHandle
    private let logger: Logger

    public init(logger: Logger = Logger(label: "entraide.transport")) throws(TransportError) {
        guard CurlGlobal.initialised, let raw = curl_multi_init() else {
            throw TransportError(.other, detail: "libcurl could not be initialised")
        }
        multi = MultiHandle(raw: raw)
        self.logger = logger
        let thread = Thread { [self] in runLoop() }
        thread.name = "entraide-curl"
        thread.start()
    }

    /// libcurl's version, for start-up logs and diagnostics.
    public static var curlVersion: String { CurlGlobal.version }

    /// Stops the loop: transfers in flight fail with `.cancelled`, every handle is cleaned up.
    public func shutdown() {
        pending.withLock { state in
            guard !state.stopped else { return }
            state.stopped = true
            curl_multi_wakeup(multi.raw)
        }
    }

    func nextID() -> UInt64 {
        pending.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// Runs `command` on the loop thread. Returns false when the loop has stopped (it will not run).
    @discardableResult
    func submit(_ command: @escaping Command) -> Bool {
        pending.withLock { state in
            guard !state.stopped else { return false }
            state.commands.append(command)
            curl_multi_wakeup(multi.raw)
            return true
        }
    }

    // MARK: HTTP

    /// Performs one HTTP request. Cancelling the calling task abandons the transfer at once.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let id = nextID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let accepted = submit { loop in loop.startTransfer(id: id, request: request, continuation: continuation) }
                if !accepted { continuation.resume(throwing: TransportError(.cancelled, detail: "event loop stopped")) }
            }
        } onCancel: {
            submit { loop in loop.cancelTransfer(id: id) }
        }
    }

    // MARK: Lines

    /// Opens a line connection; returns once connected (TLS and proxy included).
    public func connectLine(_ options: LineOptions) async throws -> LineConnection {
        let id = nextID()
        let inbox = LineInbox()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let accepted = submit { loop in loop.openLine(id: id, options: options, inbox: inbox, continuation: continuation) }
                if !accepted { continuation.resume(throwing: TransportError(.cancelled, detail: "event loop stopped")) }
            }
        } onCancel: {
            submit { loop in
                loop.closeLine(id: id, error: TransportError(.cancelled, detail: "connect cancelled"), beforeStart: true)
            }
        }
        return LineConnection(id: id, loop: self, inbox: inbox)
    }

    // MARK: The loop thread

    private func runLoop() {
        let loop = LoopState(multi: multi.raw, logger: logger)
        while true {
            let (commands, stopped) = pending.withLock { state in
                defer { state.commands.removeAll() }
                return (state.commands, state.stopped)
            }
            for command in commands { command(loop) }
            if stopped { break }
            loop.turn()
        }
        loop.shutDown()
    }
}

/// Everything the loop thread owns. Not `Sendable`: only the loop thread touches it.
final class LoopState {
    private let multi: UnsafeMutableRawPointer
    private let logger: Logger
    private var transfers: [UInt64: HTTPTransfer] = [:]
    private var lines: [UInt64: LineSocket] = [:]
    private var owners: [UnsafeMutableRawPointer: UInt64] = [:]
    /// Cancellations that arrived before their start (the task was cancelled before it began).
    private var cancelledEarly: Set<UInt64> = []

    init(multi: UnsafeMutableRawPointer, logger: Logger) {
        self.multi = multi
        self.logger = logger
    }

    func startTransfer(id: UInt64, request: HTTPRequest, continuation: CheckedContinuation<HTTPResponse, any Error>) {
        if cancelledEarly.remove(id) != nil {
            continuation.resume(throwing: CancellationError())
            return
        }
        do {
            let transfer = try HTTPTransfer(request: request, continuation: continuation)
            try attach(transfer.easy, id: id)
            transfers[id] = transfer
        } catch {
            continuation.resume(throwing: error)
        }
    }

    func cancelTransfer(id: UInt64) {
        guard let transfer = transfers.removeValue(forKey: id) else {
            cancelledEarly.insert(id)
            return
        }
        detach(transfer.easy)
        transfer.fail(CancellationError())
    }

    func openLine(id: UInt64, options: LineOptions, inbox: LineInbox, continuation: CheckedContinuation<Void, any Error>) {
        if cancelledEarly.remove(id) != nil {
            continuation.resume(throwing: CancellationError())
            return
        }
        do {
            let socket = try LineSocket(options: options, inbox: inbox, connected: continuation)
            try attach(socket.easy, id: id)
            lines[id] = socket
        } catch {
            continuation.resume(throwing: error)
        }
    }

    /// `beforeStart`: a connect cancelled before its start ran must stop that start; a close of a
    /// connection already gone (closed twice, by `close()` and then `deinit`) is simply done.
    func closeLine(id: UInt64, error: TransportError, beforeStart: Bool = false) {
        guard let socket = lines.removeValue(forKey: id) else {
            if beforeStart { cancelledEarly.insert(id) }
            return
        }
        detach(socket.easy)
        socket.close(error)
    }

    func readLine(connection: UInt64, reader: LineSocket.Reader) {
        guard let socket = lines[connection] else {
            reader.continuation.resume(throwing: TransportError(.connectionClosed, detail: "connection closed"))
            return
        }
        socket.enqueueRead(reader)
    }

    func cancelRead(connection: UInt64, reader: UInt64) {
        lines[connection]?.cancelRead(id: reader)
    }

    func writeLine(connection: UInt64, bytes: [UInt8], continuation: CheckedContinuation<Void, any Error>) {
        guard let socket = lines[connection] else {
            continuation.resume(throwing: TransportError(.connectionClosed, detail: "connection closed"))
            return
        }
        socket.enqueueWrite(bytes, continuation: continuation)
        socket.service(now: .now)
    }

    /// One turn: let libcurl progress, collect finished transfers, serve the line sockets, then
    /// sleep in `curl_multi_poll` until a socket is ready, a deadline passes or a wakeup arrives.
    func turn() {
        var running: Int32 = 0
        _ = curl_multi_perform(multi, &running)
        collectFinished()
        let now = ContinuousClock.now
        for socket in lines.values { socket.service(now: now) }
        poll(now: now)
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let id = owners[easy]
            else { continue }
            let code = message.pointee.data.result
            if let transfer = transfers.removeValue(forKey: id) {
                detach(transfer.easy)
                transfer.finish(code)
            } else if let socket = lines[id] {
                socket.connectDone(code)
                if code != CURLE_OK {
                    lines[id] = nil
                    detach(socket.easy)
                }
            }
        }
    }

    private func poll(now: ContinuousClock.Instant) {
        var waits: [curl_waitfd] = []
        var timeout = Duration.seconds(1)
        for socket in lines.values {
            if let deadline = socket.nearestDeadline { timeout = min(timeout, max(.zero, deadline - now)) }
            guard socket.isOpen else { continue }
            var events: Int16 = 0
            if socket.wantsRead { events |= Int16(CURL_WAIT_POLLIN) }
            if socket.wantsWrite { events |= Int16(CURL_WAIT_POLLOUT) }
            guard events != 0 else { continue }
            waits.append(curl_waitfd(fd: socket.easy.activeSocket, events: events, revents: 0))
        }
        let milliseconds = Int32(clamping: timeout == .zero ? 0 : timeout.curlMilliseconds)
        let code = waits.withUnsafeMutableBufferPointer { buffer in
            curl_multi_poll(multi, buffer.baseAddress, UInt32(buffer.count), milliseconds, nil)
        }
        if code != CURLM_OK {
            logger.error("curl.multi_poll.failed", metadata: ["curl.code": "\(code.rawValue)"])
        }
    }

    func shutDown() {
        let stopped = TransportError(.cancelled, detail: "event loop stopped")
        for (_, transfer) in transfers {
            detach(transfer.easy)
            transfer.fail(stopped)
        }
        transfers.removeAll()
        for (_, socket) in lines {
            detach(socket.easy)
            socket.close(stopped)
        }
        lines.removeAll()
        curl_multi_cleanup(multi)
    }

    private func attach(_ easy: EasyHandle, id: UInt64) throws(TransportError) {
        let code = curl_multi_add_handle(multi, easy.raw)
        guard code == CURLM_OK else {
            throw TransportError(.other, code: Int(code.rawValue), detail: "curl_multi_add_handle failed")
        }
        owners[easy.raw] = id
    }

    private func detach(_ easy: EasyHandle) {
        owners[easy.raw] = nil
        curl_multi_remove_handle(multi, easy.raw)
    }
}
