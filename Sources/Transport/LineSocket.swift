internal import CCurl
internal import CCurlShim
#if canImport(Glibc)
import Glibc
#endif

/// A CONNECT_ONLY connection on the event loop: libcurl connects it (and does TLS and SOCKS),
/// then we read and write bytes with `curl_easy_recv`/`curl_easy_send`.
///
/// Thread-confined to the loop. The handle stays attached to the multi handle after the
/// connect: detaching it would close the connection (verified on libcurl 7.88.1).
final class LineSocket {
    struct Reader {
        let id: UInt64
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<String?, any Error>
    }

    struct Write {
        let bytes: [UInt8]
        var sent: Int
        let continuation: CheckedContinuation<Void, any Error>
    }

    enum State {
        case connecting(CheckedContinuation<Void, any Error>)
        case open
        case closed(TransportError)
    }

    /// Beyond this many unread lines we stop reading the socket: TCP then slows the peer down.
    static let maxQueuedLines = 1024
    private static let readChunk = 16 * 1024

    let easy: EasyHandle
    private(set) var state: State
    private var framer: LineFramer
    /// Received lines not read yet; the connection's reader takes from it directly.
    let inbox: LineInbox
    private var readers: [Reader] = []
    private var writes: [Write] = []
    private(set) var overlongLines = 0

    init(options: LineOptions, inbox: LineInbox, connected: CheckedContinuation<Void, any Error>) throws(TransportError) {
        self.inbox = inbox
        easy = try EasyHandle()
        framer = LineFramer(maxLineBytes: options.maxLineBytes)
        state = .connecting(connected)
        let host = options.host.contains(":") ? "[\(options.host)]" : options.host
        // telnet:// makes libcurl send nothing on connect; https:// makes it do the TLS handshake.
        let scheme = options.tls ? "https" : "telnet"
        try easy.set(CURLOPT_URL, "\(scheme)://\(host):\(options.port)")
        try easy.set(CURLOPT_PROTOCOLS_STR, scheme)
        try easy.set(CURLOPT_CONNECT_ONLY, 1)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeout.curlMilliseconds)
        try easy.set(CURLOPT_TCP_NODELAY, 1)
        try easy.set(CURLOPT_TCP_KEEPALIVE, 1)
        if options.tls {
            try easy.set(CURLOPT_SSL_VERIFYPEER, options.verifyPeer ? 1 : 0)
            try easy.set(CURLOPT_SSL_VERIFYHOST, options.verifyPeer ? 2 : 0)
            if let caFile = options.caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        }
        if let proxy = options.socks5Proxy {
            try easy.set(CURLOPT_PROXY, "socks5h://\(proxy)")
        }
    }

    var isOpen: Bool {
        if case .open = state { return true }
        return false
    }

    var wantsRead: Bool { isOpen && inbox.count < Self.maxQueuedLines }
    var wantsWrite: Bool { isOpen && !writes.isEmpty }
    var nearestDeadline: ContinuousClock.Instant? { readers.map(\.deadline).min() }

    /// libcurl finished the connect (or failed it).
    func connectDone(_ code: CURLcode) {
        guard case .connecting(let continuation) = state else { return }
        if code == CURLE_OK {
            state = .open
            continuation.resume()
        } else {
            let error = TransportError(curlCode: code, detail: easy.errorMessage)
            state = .closed(error)
            continuation.resume(throwing: error)
        }
    }

    func enqueueRead(_ reader: Reader) {
        readers.append(reader)
        deliver(now: .now)
    }

    func cancelRead(id: UInt64) {
        guard let index = readers.firstIndex(where: { $0.id == id }) else { return }
        readers.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    func enqueueWrite(_ line: [UInt8], continuation: CheckedContinuation<Void, any Error>) {
        if case .closed(let error) = state {
            continuation.resume(throwing: error)
            return
        }
        writes.append(Write(bytes: line + [13, 10], sent: 0, continuation: continuation))
    }

    /// Reads what the socket has, sends what it can take, and answers readers; never blocks.
    func service(now: ContinuousClock.Instant) {
        if isOpen { receive() }
        if isOpen { send() }
        deliver(now: now)
    }

    func close(_ error: TransportError) {
        switch state {
        case .connecting(let continuation):
            continuation.resume(throwing: error)
        case .open:
            break
        case .closed:
            return
        }
        state = .closed(error)
        for write in writes { write.continuation.resume(throwing: error) }
        writes.removeAll()
        deliver(now: .now)
    }

    private func receive() {
        var buffer = [UInt8](repeating: 0, count: Self.readChunk)
        var total = 0
        // Bounded per turn so that one chatty peer cannot starve the other transfers.
        while wantsRead && total < 4 * Self.readChunk {
            var received = 0
            let code = buffer.withUnsafeMutableBytes { curl_easy_recv(easy.raw, $0.baseAddress, $0.count, &received) }
            if code == CURLE_AGAIN { return }
            guard code == CURLE_OK else {
                close(TransportError(curlCode: code, detail: easy.errorMessage))
                return
            }
            if received == 0 {
                close(TransportError(.connectionClosed, detail: "the peer closed the connection"))
                return
            }
            total += received
            acknowledgeQuickly()
            framer.feed(buffer[0..<received]) { output in
                switch output {
                case .line(let line):
                    inbox.append(line)
                case .overlong:
                    overlongLines += 1
                }
            }
        }
    }

    /// Linux delays ACKs by up to 40 ms; a server that writes two small lines in a row without
    /// TCP_NODELAY then waits for that ACK before the second, and every exchange takes 40 ms
    /// longer (measured on loopback with ngircd and InspIRCd). Asking for a quick ACK after each
    /// read removes the wait. The flag is not sticky, hence after every read; elsewhere a no-op.
    private func acknowledgeQuickly() {
        #if os(Linux)
        var one: Int32 = 1
        _ = setsockopt(easy.activeSocket, Int32(IPPROTO_TCP), Int32(TCP_QUICKACK), &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    private func send() {
        while var write = writes.first {
            var sent = 0
            let code = write.bytes.withUnsafeBytes { buffer in
                curl_easy_send(easy.raw, buffer.baseAddress! + write.sent, buffer.count - write.sent, &sent)
            }
            if code == CURLE_AGAIN { return }
            guard code == CURLE_OK else {
                close(TransportError(curlCode: code, detail: easy.errorMessage))
                return
            }
            write.sent += sent
            if write.sent == write.bytes.count {
                writes.removeFirst()
                write.continuation.resume()
            } else {
                writes[0] = write
            }
        }
    }

    private func deliver(now: ContinuousClock.Instant) {
        while !readers.isEmpty, let (line, _) = inbox.take() {
            readers.removeFirst().continuation.resume(returning: line)
        }
        if case .closed(let error) = state {
            for reader in readers { reader.continuation.resume(throwing: error) }
            readers.removeAll()
            return
        }
        readers.removeAll { reader in
            guard reader.deadline <= now else { return false }
            reader.continuation.resume(returning: nil)
            return true
        }
    }
}
