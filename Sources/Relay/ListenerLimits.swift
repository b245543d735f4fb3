import Foundation
public import Hummingbird
public import HummingbirdCore
public import Logging
public import NIOCore

/// What every HTTP listener of Entraide (the relay, the health endpoint of `serve`) allows a client, so that a
/// flood of idle or slow sockets cannot make it unreachable (issue #18, item 4: 300 idle connections under a
/// 256-descriptor limit kept the relay from answering anyone while they were held).
public enum ListenerLimits {
    /// A client that connects and sends nothing, or stops in the middle of a request, is closed after this long.
    /// A request being answered is not idle: a long-poll held by the relay is not cut.
    public static let idleTimeout = TimeAmount.seconds(10)

    /// Connections accepted at once: what the process's descriptor limit leaves after a reserve for the store, its
    /// journal, the log and outgoing requests; at most 1,024. Past it, new ones wait in the kernel's backlog until
    /// others close (an idle one within `idleTimeout`).
    public static var maximumConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 256 }
        let available = limit.rlim_cur == rlim_t.max ? 1_088 : Int(clamping: limit.rlim_cur)
        return max(16, min(1_024, available - 64))
    }

    public static func server() -> HTTPServerBuilder {
        .http1(configuration: HTTP1Channel.Configuration(idleTimeout: idleTimeout))
    }

    public static func configuration(host: String, port: Int, serverName: String, logger: Logger) -> ApplicationConfiguration {
        ApplicationConfiguration(
            address: .hostname(host, port: port), serverName: serverName,
            availableConnectionsDelegate: MaximumAvailableConnections(maximumConnections, logger: logger))
    }
}
