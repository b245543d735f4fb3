/// Where and how to open a line connection (an IRC server, or any CRLF line protocol).
public struct LineOptions: Sendable {
    public var host: String
    public var port: Int
    /// TLS on connect (IRC's 6697); the certificate is verified unless `verifyPeer` is false.
    public var tls: Bool
    public var verifyPeer: Bool
    /// A CA bundle to trust instead of the system's, for a private server's own certificate.
    public var caFile: String?
    /// A SOCKS5 proxy as `host:port`; names are resolved by the proxy (socks5h), so a Tor
    /// proxy also hides the lookup.
    public var socks5Proxy: String?
    public var connectTimeout: Duration
    /// Longer lines are dropped and counted, so a peer cannot grow our memory. IRC with
    /// message tags allows 8191 bytes of tags plus 512 of message.
    public var maxLineBytes: Int

    public init(
        host: String,
        port: Int,
        tls: Bool = false,
        verifyPeer: Bool = true,
        caFile: String? = nil,
        socks5Proxy: String? = nil,
        connectTimeout: Duration = .seconds(15),
        maxLineBytes: Int = 8191 + 510
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.verifyPeer = verifyPeer
        self.caFile = caFile
        self.socks5Proxy = socks5Proxy
        self.connectTimeout = connectTimeout
        self.maxLineBytes = maxLineBytes
    }
}
