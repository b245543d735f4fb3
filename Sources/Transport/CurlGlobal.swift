internal import CCurl
internal import CCurlShim

/// libcurl's process-wide initialisation, done once before the first handle.
///
/// Debian's libcurl is built `threadsafe`, and FoundationNetworking may call it too on the same
/// library: the calls are reference-counted, so a lazily initialised global is enough.
enum CurlGlobal {
    static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
    }()

    /// "7.88.1" and whether this libcurl can do what the gateway needs.
    static var version: String {
        guard let info = ccurl_version_info(), let text = info.pointee.version else { return "unknown" }
        return String(cString: text)
    }
}

extension TransportError {
    /// Maps a libcurl result to the kind a caller acts on, with libcurl's own message.
    init(curlCode: CURLcode, detail: String) {
        let kind: Kind
        switch curlCode {
        case CURLE_OPERATION_TIMEDOUT: kind = .timedOut
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .couldNotConnect
        case CURLE_FILESIZE_EXCEEDED: kind = .responseTooLarge
        case CURLE_UNSUPPORTED_PROTOCOL: kind = .protocolNotAllowed
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE: kind = .tls
        default: kind = .other
        }
        let fallback = curl_easy_strerror(curlCode).map { String(cString: $0) } ?? ""
        self.init(kind, code: Int(curlCode.rawValue), detail: detail.isEmpty ? fallback : detail)
    }
}
