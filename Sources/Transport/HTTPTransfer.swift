internal import CCurl
internal import CCurlShim

/// One HTTP request in flight on the event loop, with the continuation of the task awaiting it.
///
/// Thread-confined to the loop. libcurl's callbacks reach it through an unretained pointer,
/// which is safe because the transfer owns the handle that calls them.
final class HTTPTransfer {
    let easy: EasyHandle
    private let maxResponseBytes: Int
    private var body: [UInt8] = []
    private var headers: [HTTPHeader] = []
    private var exceededCap = false
    private var continuation: CheckedContinuation<HTTPResponse, any Error>?

    init(request: HTTPRequest, continuation: CheckedContinuation<HTTPResponse, any Error>) throws(TransportError) {
        let scheme = request.url.prefix { $0 != ":" }.lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw TransportError(.protocolNotAllowed, detail: "only http and https URLs are allowed")
        }
        easy = try EasyHandle()
        maxResponseBytes = request.maxResponseBytes
        self.continuation = continuation
        try configure(request)
    }

    private func configure(_ request: HTTPRequest) throws(TransportError) {
        try easy.set(CURLOPT_URL, request.url)
        // Defence in depth: even a redirect could not take us to file://, gopher:// or the like.
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_FOLLOWLOCATION, 0)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.curlMilliseconds)
        try easy.set(CURLOPT_TIMEOUT_MS, request.totalTimeout.curlMilliseconds)
        if request.lowSpeedBytesPerSecond > 0 {
            try easy.set(CURLOPT_LOW_SPEED_LIMIT, request.lowSpeedBytesPerSecond)
            try easy.set(CURLOPT_LOW_SPEED_TIME, Int(request.lowSpeedWindow.components.seconds))
        }
        // Refused up front when the server announces the length; the write callback caps the rest.
        try easy.setLarge(CURLOPT_MAXFILESIZE_LARGE, request.maxResponseBytes)
        try easy.set(CURLOPT_USERAGENT, "entraide")
        try easy.setHeaders(request.headers)
        switch request.method {
        case .get:
            try easy.set(CURLOPT_HTTPGET, 1)
        case .post:
            try easy.set(CURLOPT_POST, 1)
            let body = request.body ?? []
            try easy.setLarge(CURLOPT_POSTFIELDSIZE_LARGE, body.count)
            // COPYPOSTFIELDS copies: the Swift array may go away as soon as this returns.
            // withUnsafeBytes is not typed-throws: return libcurl's code and check it outside.
            let code = body.withUnsafeBytes { buffer in
                ccurl_easy_setopt_pointer(easy.raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress))
            }
            guard code == CURLE_OK else { throw TransportError(curlCode: code, detail: "could not copy the request body") }
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        try easy.set(CURLOPT_WRITEDATA, pointer: me)
        try easy.set(CURLOPT_WRITEFUNCTION, callback: { data, size, count, user in
            guard let user, let data else { return 0 }
            let transfer = Unmanaged<HTTPTransfer>.fromOpaque(user).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        })
        try easy.set(CURLOPT_HEADERDATA, pointer: me)
        try easy.set(CURLOPT_HEADERFUNCTION, callback: { data, size, count, user in
            guard let user, let data else { return 0 }
            let transfer = Unmanaged<HTTPTransfer>.fromOpaque(user).takeUnretainedValue()
            transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
    }

    private func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard body.count + chunk.count <= maxResponseBytes else {
            exceededCap = true
            return 0  // libcurl aborts the transfer with CURLE_WRITE_ERROR
        }
        body.append(contentsOf: chunk)
        return chunk.count
    }

    private func receiveHeader(_ chunk: UnsafeRawBufferPointer) {
        let line = String(decoding: chunk, as: UTF8.self).trimmingSuffix { $0.isNewline }  // "\r\n" is one Character
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response (after 100 Continue or a proxy's CONNECT)
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append(HTTPHeader(name, String(value)))
        }
    }

    /// Called by the loop when libcurl reports the transfer done.
    func finish(_ code: CURLcode) {
        if code == CURLE_OK {
            resume(.success(HTTPResponse(status: easy.responseCode, headers: headers, body: body)))
        } else if exceededCap || code == CURLE_FILESIZE_EXCEEDED {
            resume(.failure(TransportError(.responseTooLarge, detail: "response larger than \(maxResponseBytes) bytes")))
        } else {
            resume(.failure(TransportError(curlCode: code, detail: easy.errorMessage)))
        }
    }

    func fail(_ error: any Error) {
        resume(.failure(error))
    }

    private func resume(_ result: Result<HTTPResponse, any Error>) {
        continuation?.resume(with: result)
        continuation = nil
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var copy = self
        while let last = copy.last, predicate(last) { copy.removeLast() }
        return copy
    }
}
