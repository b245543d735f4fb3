internal import CCurl
internal import CCurlShim

/// One libcurl easy handle with its error buffer and header list.
///
/// Not `Sendable` on purpose: it lives and dies on the event loop's thread, because libcurl
/// forbids using a handle from two threads at once. The buffer and the list must outlive the
/// handle, so `deinit` frees them after `curl_easy_cleanup`.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init() throws(TransportError) {
        guard CurlGlobal.initialised, let handle = curl_easy_init() else {
            throw TransportError(.other, detail: "libcurl could not create a handle (out of memory?)")
        }
        raw = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        _ = ccurl_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer)
        // The process is multi-threaded: libcurl must never use signals for its timeouts.
        _ = ccurl_easy_setopt_long(raw, CURLOPT_NOSIGNAL, 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    /// libcurl's own description of the last failure, empty when it left none.
    var errorMessage: String { String(cString: errorBuffer) }

    func set(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(ccurl_easy_setopt_long(raw, option, value), option)
    }

    func set(_ option: CURLoption, _ value: String) throws(TransportError) {
        try check(ccurl_easy_setopt_string(raw, option, value), option)
    }

    func setLarge(_ option: CURLoption, _ value: Int) throws(TransportError) {
        try check(ccurl_easy_setopt_off_t(raw, option, curl_off_t(value)), option)
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(TransportError) {
        try check(ccurl_easy_setopt_pointer(raw, option, pointer), option)
    }

    func set(_ option: CURLoption, callback: ccurl_write_callback) throws(TransportError) {
        try check(ccurl_easy_setopt_write_callback(raw, option, callback), option)
    }

    func setHeaders(_ headers: [HTTPHeader]) throws(TransportError) {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in headers {
            // A CR or LF in a header would let a caller forge another header: refuse it.
            let line = "\(header.name): \(header.value)"
            guard !line.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else {
                if let list { curl_slist_free_all(list) }
                throw TransportError(.other, detail: "header \(header.name) contains a control character")
            }
            list = curl_slist_append(list, line)
        }
        if let old = headerList { curl_slist_free_all(old) }
        headerList = list
        try check(ccurl_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list), CURLOPT_HTTPHEADER)
    }

    var responseCode: Int {
        var code = 0
        _ = ccurl_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    var activeSocket: curl_socket_t {
        var socket: curl_socket_t = CURL_SOCKET_BAD
        _ = ccurl_easy_getinfo_socket(raw, CURLINFO_ACTIVESOCKET, &socket)
        return socket
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(TransportError) {
        guard code == CURLE_OK else {
            throw TransportError(curlCode: code, detail: "setting option \(option.rawValue) failed")
        }
    }
}
