public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the repository is, so tests can find `Tests/Support` and `intents/` from any working directory.
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A loopback port that was free a moment ago: bind to port 0 and ask the kernel which it chose.
public func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0, "socket() failed")
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    precondition(bound, "could not bind a loopback port")
    return Int(UInt16(bigEndian: address.sin_port))
}

/// True when something accepts TCP connections on 127.0.0.1:port.
public func isListening(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// A server process a test starts on its own port and stops by process id.
///
/// Stopped with SIGKILL: a child spawned from a test thread can inherit a mask that blocks
/// SIGTERM, and `terminate()` would then wait forever.
public final class ServerProcess: @unchecked Sendable {
    public let port: Int
    public let name: String
    private let process: Process
    public let logFile: URL

    public init(name: String, executable: String, arguments: [String], port: Int, readyTimeout: Duration = .seconds(15)) throws {
        self.port = port
        self.name = name
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-\(name)-\(port).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + readyTimeout
        while !isListening(port: port) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                stop()
                let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                throw TestServerError(description: "\(name) did not listen on port \(port): \(log.suffix(2000))")
            }
            usleep(20_000)
        }
    }

    public var processIdentifier: Int32 { process.processIdentifier }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Freezes the server (SIGSTOP) or lets it go on (SIGCONT), to test dead links.
    public func pause() { kill(process.processIdentifier, SIGSTOP) }
    public func resume() { kill(process.processIdentifier, SIGCONT) }

    deinit { stop() }
}

/// The local HTTP peer of `Tests/Support/http_test_server.py`.
public func startHTTPTestServer() throws -> ServerProcess {
    let port = freeLoopbackPort()
    let script = repositoryRoot.appendingPathComponent("Tests/Support/http_test_server.py").path
    return try ServerProcess(name: "http", executable: "/usr/bin/env", arguments: ["python3", script, "\(port)"], port: port)
}

/// Where ngircd is, or nil when it is not installed (scripts/bootstrap installs it).
public func ngircdPath() -> String? {
    ["/usr/sbin/ngircd", "/usr/bin/ngircd"].first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A private ngircd on a free loopback port, named `irc.helpline.test` so that a test can tell
/// it from any other IRC server on the machine.
public func startNgircd(pingTimeout: Int = 120, relaxedFlood: Bool = false, port: Int? = nil) throws -> ServerProcess {
    guard let executable = ngircdPath() else {
        throw TestServerError(description: "ngircd is not installed: run scripts/bootstrap")
    }
    let port = port ?? freeLoopbackPort()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-ngircd-\(port)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let config = """
        [Global]
        Name = irc.helpline.test
        Info = Entraide test server
        Listen = 127.0.0.1
        Ports = \(port)
        AdminInfo1 = Entraide tests
        AdminInfo2 = loopback
        AdminEMail = tests@helpline.test
        [Limits]
        PingTimeout = \(max(5, pingTimeout))
        MaxNickLength = 30
        MaxConnectionsIP = 0
        \(relaxedFlood ? "MaxPenaltyTime = 0" : "")
        [Options]
        DNS = no
        Ident = no
        PAM = no
        \(relaxedFlood ? "DefaultUserModes = F" : "")
        """
    let configFile = directory.appendingPathComponent("ngircd.conf")
    try config.write(to: configFile, atomically: true, encoding: .utf8)
    return try ServerProcess(name: "ngircd", executable: executable, arguments: ["-n", "-f", configFile.path], port: port)
}

/// Where InspIRCd is, or nil when it is not installed (scripts/bootstrap installs it).
public func inspircdPath() -> String? {
    ["/usr/sbin/inspircd", "/usr/bin/inspircd"].first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A private InspIRCd 3 on a free loopback port, with the IRCv3 modules the helpline uses
/// (message-tags, server-time, account-tag, account-notify, echo-message, labeled-response,
/// batch). It refuses to run as root, so as root it runs as the `irc` user (Debian's package
/// creates it). `relaxedFlood` raises its connect class's limits for load tests. With
/// `servicesLinkPort`, it also listens there for a U-lined services server named `services.test`
/// (link password `x`, both ways) and loads what accounts need (extended-join, account-notify):
/// `startFakeServices` links one.
public func startInspircd(relaxedFlood: Bool = false, servicesLinkPort: Int? = nil) throws -> ServerProcess {
    guard let executable = inspircdPath() else {
        throw TestServerError(description: "inspircd is not installed: run scripts/bootstrap")
    }
    let port = freeLoopbackPort()
    let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("entraide-inspircd-\(port)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let limits = relaxedFlood
        ? #"threshold="1000" commandrate="100000" recvq="65536" softsendq="65536""#
        : #"threshold="10" recvq="8192" softsendq="8192""#
    let modules = ["cap", "ircv3", "ircv3_accounttag", "ircv3_servertime", "ircv3_echomessage", "ircv3_msgid",
                   "ircv3_labeledresponse", "ircv3_batch", "ircv3_ctctags", "services_account"]
        + (servicesLinkPort == nil ? [] : ["spanningtree"])
    let servicesLink = servicesLinkPort.map { linkPort in
        """
        <bind address="127.0.0.1" port="\(linkPort)" type="servers">
        <link name="services.test" ipaddr="127.0.0.1" port="\(linkPort)" allowmask="127.0.0.1" sendpass="x" recvpass="x">
        <uline server="services.test" silent="yes">
        """
    } ?? ""
    let config = """
        <server name="irc.insp.test" description="Entraide test server" network="EntraideTest">
        <admin name="Entraide tests" nick="admin" email="tests@helpline.test">
        <bind address="127.0.0.1" port="\(port)" type="clients">
        <connect name="main" allow="127.0.0.1" timeout="60" pingfreq="120" \(limits) hardsendq="1048576" localmax="100" globalmax="100" useident="no" resolvehostnames="no">
        <pid file="\(directory.path)/inspircd.pid">
        <log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="\(directory.path)/inspircd.log">
        <options allowzerolimit="no" hostintopic="no">
        <security hidesplits="yes">
        <performance softlimit="256" somaxconn="128">
        <limits maxnick="30" maxline="512">
        \(servicesLink)
        \(modules.map { "<module name=\"\($0)\">" }.joined(separator: "\n"))
        """
    let configFile = directory.appendingPathComponent("inspircd.conf")
    try config.write(to: configFile, atomically: true, encoding: .utf8)
    let asRoot = getuid() == 0
    if asRoot {
        // InspIRCd must own what it writes; the irc user reads the configuration.
        let chown = Process()
        chown.executableURL = URL(fileURLWithPath: "/bin/chown")
        chown.arguments = ["-R", "irc:irc", directory.path]
        try chown.run()
        chown.waitUntilExit()
    }
    let arguments = ["--nofork", "--nopid", "--config=\(configFile.path)"]
    if asRoot {
        // setpriv changes user and then execs (runuser would fork, and killing it would leave
        // the server running): the process id we stop is the server's own.
        return try ServerProcess(
            name: "inspircd", executable: "/usr/bin/setpriv",
            arguments: ["--reuid=irc", "--regid=irc", "--clear-groups", "--", executable] + arguments, port: port)
    }
    return try ServerProcess(name: "inspircd", executable: executable, arguments: arguments, port: port)
}


/// A scripted services server (`Tests/Support/fake_services.py`) linked to an InspIRCd started with
/// `servicesLinkPort`: ready once the link is up. `login`/`logout` set and clear a user's
/// services account, as Anope or Atheme would after IDENTIFY or LOGOUT.
public final class FakeServices: Sendable {
    public let process: ServerProcess

    public init(linkPort: Int) throws {
        let control = freeLoopbackPort()
        let script = repositoryRoot.appendingPathComponent("Tests/Support/fake_services.py").path
        process = try ServerProcess(
            name: "fake-services", executable: "/usr/bin/env", arguments: ["python3", "-u", script, "\(linkPort)", "\(control)"],
            port: control)
    }

    /// Logs `nick` in to `account`; returns the script's answer ("ok" once the server processed it).
    @discardableResult
    public func login(_ nick: String, as account: String) throws -> String { try command("login \(nick) \(account)") }

    @discardableResult
    public func logout(_ nick: String) throws -> String { try command("logout \(nick)") }

    public func stop() { process.stop() }

    /// One line to the control port, one line back.
    public func command(_ line: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestServerError(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(process.port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw TestServerError(description: "fake services: no control port") }
        let bytes = Array((line + "\n").utf8)
        guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw TestServerError(description: "fake services: send failed")
        }
        var answer: [UInt8] = []
        var byte: UInt8 = 0
        while answer.count < 4096 {
            let got = recv(fd, &byte, 1, 0)
            guard got == 1 else { break }
            if byte == UInt8(ascii: "\n") { break }
            answer.append(byte)
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
