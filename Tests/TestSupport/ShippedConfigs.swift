public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The files in `deploy/`, as an operator installs them, run in a test: the SHIPPED text with only
/// what a test must change substituted, so that a test exercises what operators get.
///
/// Substituted, and nothing else (each must match exactly once, so that a change to a shipped
/// file that a substitution no longer fits fails the test instead of testing something else):
/// - ngircd.conf: `Listen` (loopback only), the TLS port, `CertFile`/`KeyFile` (made by
///   `scripts/make-irc-cert` in a temporary directory), `PidFile`, and every `CHANGE-ME` value.
///   Run as root, ngircd reads the key, then drops to `nobody` by itself; the PID file it can then
///   no longer write is not needed (the test stops the process by its id).
/// - inspircd.conf: the `<bind>` address and port, `certfile`/`keyfile`, every `CHANGE-ME`. Run as
///   root, it runs as the `irc` user, as Debian's unit does (it refuses root).
/// - entraide.yaml: `irc.port`, `irc.ca_file` and `health.listen`; `--data` and `--intents` on the
///   command line; the channel key in `ENTRAIDE_IRC_CHANNEL_KEY`, as in `/etc/entraide/secrets.env`.
/// Files that a shipped configuration does not name but a default does (ngircd's
/// `/etc/ngircd/ngircd.conf.d`, its help file) are the machine's.
public enum ShippedConfig {
    public static let deployDirectory = repositoryRoot.appendingPathComponent("deploy")
    public static let makeCertificate = repositoryRoot.appendingPathComponent("scripts/make-irc-cert")

    /// The values a test gives the `CHANGE-ME` placeholders (secrets of a test server only).
    public static let channelKey = "test-channel-key"
    static let testSecrets = [
        "CHANGE-ME-random-salt": "test-cloak-salt",
        "CHANGE-ME-cloak-key-of-30-characters-or-more": "test-cloak-key-of-thirty-characters-or-more",
        "CHANGE-ME-operator-password": "test-operator-password",
        "CHANGE-ME-channel-key": channelKey,
    ]

    public static func text(_ name: String) throws -> String {
        try String(contentsOf: deployDirectory.appendingPathComponent(name), encoding: .utf8)
    }

    /// `text` with `old` replaced by `new`; `old` must occur exactly once.
    public static func replacingOnce(_ text: String, _ old: String, _ new: String, in file: String) throws -> String {
        let count = text.components(separatedBy: old).count - 1
        guard count == 1 else {
            throw TestServerError(description: "deploy/\(file): expected '\(old)' once, found it \(count) times")
        }
        return text.replacingOccurrences(of: old, with: new)
    }

    /// Gives every `CHANGE-ME` value a test value; a placeholder this helper does not know (a new
    /// one in a shipped file) is an error, so that every placeholder is seen by a test.
    static func fillingPlaceholders(_ text: String, in file: String) throws -> String {
        var text = text
        for (placeholder, value) in testSecrets where text.contains(placeholder) {
            text = try replacingOnce(text, placeholder, value, in: file)
        }
        let left = text.split(separator: "\n").filter { $0.contains("CHANGE-ME") && !$0.hasPrefix("#") }
        guard left.isEmpty else {
            throw TestServerError(description: "deploy/\(file): a CHANGE-ME this test does not fill: \(left)")
        }
        return text
    }

    /// The value of `key = value` in ngircd's INI-like file, first occurrence in `section`.
    public static func ngircdValue(_ text: String, section: String, key: String) -> String? {
        var current = ""
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") { current = line.lowercased(); continue }
            guard current == "[\(section.lowercased())]", !line.hasPrefix("#"), !line.hasPrefix(";") else { continue }
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == key.lowercased() { return parts[1] }
        }
        return nil
    }

    /// `irc.volunteers_channel` from deploy/entraide.yaml (quoted there: a bare # is a comment).
    public static func entraideVolunteersChannel() throws -> String {
        let line = try text("entraide.yaml").split(separator: "\n")
            .first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("volunteers_channel:") }
        guard let line else { throw TestServerError(description: "deploy/entraide.yaml has no irc.volunteers_channel") }
        return line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
            .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
    }

    /// Runs `scripts/make-irc-cert NAME KEY CERT` as an operator does.
    public static func makeCertificate(name: String, in directory: URL) throws -> (key: URL, certificate: URL) {
        let key = directory.appendingPathComponent("helpline.key")
        let certificate = directory.appendingPathComponent("helpline.pem")
        let process = Process()
        process.executableURL = makeCertificate
        process.arguments = [name, key.path, certificate.path]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestServerError(description: "scripts/make-irc-cert failed: \(message)")
        }
        return (key, certificate)
    }

    static func temporaryDirectory(_ name: String) throws -> URL {
        // Under /tmp, not $TMPDIR: InspIRCd runs as irc and must reach it.
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("entraide-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}

/// A shipped IRC server configuration running on loopback.
public struct ShippedIRCServer: Sendable {
    public let process: ServerProcess
    /// The clear-text port; nil when the shipped file opens none.
    public let plainPort: Int?
    public let tlsPort: Int
    public let channel: String
    public let channelKey: String
    /// The certificate made by scripts/make-irc-cert: what a client (and the bot) trusts.
    public let certificate: URL
    public let directory: URL
    /// The rendered configuration file.
    public let configFile: URL

    /// What the server wrote on standard output and error (ngircd -n: every log line, with its level).
    public var log: String { (try? String(contentsOf: process.logFile, encoding: .utf8)) ?? "" }

    public func stop() { process.stop() }
}

/// The shipped deploy/ngircd.conf on a free loopback port; see `ShippedConfig` for what changes.
public func startShippedNgircd() throws -> ShippedIRCServer {
    guard let executable = ngircdPath() else {
        throw TestServerError(description: "ngircd is not installed: run scripts/bootstrap")
    }
    let file = "ngircd.conf"
    let shipped = try ShippedConfig.text(file)
    let directory = try ShippedConfig.temporaryDirectory("shipped-ngircd")
    let name = ShippedConfig.ngircdValue(shipped, section: "Global", key: "Name") ?? "irc.helpline.example"
    let (key, certificate) = try ShippedConfig.makeCertificate(name: name, in: directory)
    let tlsPort = freeLoopbackPort()
    var text = shipped
    text = try ShippedConfig.replacingOnce(text, "Listen = 0.0.0.0", "Listen = 127.0.0.1", in: file)
    text = try ShippedConfig.replacingOnce(text, "Ports = 6697", "Ports = \(tlsPort)", in: file)
    text = try ShippedConfig.replacingOnce(text, "CertFile = /etc/ngircd/helpline.pem", "CertFile = \(certificate.path)", in: file)
    text = try ShippedConfig.replacingOnce(text, "KeyFile = /etc/ngircd/helpline.key", "KeyFile = \(key.path)", in: file)
    text = try ShippedConfig.replacingOnce(
        text, "PidFile = /run/ngircd/ngircd.pid", "PidFile = \(directory.appendingPathComponent("ngircd.pid").path)", in: file)
    text = try ShippedConfig.fillingPlaceholders(text, in: file)
    let plain = ShippedConfig.ngircdValue(text, section: "Global", key: "Ports").flatMap { Int($0) }
    guard let channel = ShippedConfig.ngircdValue(text, section: "Channel", key: "Name") else {
        throw TestServerError(description: "deploy/ngircd.conf predefines no channel")
    }
    let configFile = directory.appendingPathComponent("ngircd.conf")
    try text.write(to: configFile, atomically: true, encoding: .utf8)
    let process = try ServerProcess(name: "shipped-ngircd", executable: executable, arguments: ["-n", "-f", configFile.path], port: tlsPort)
    return ShippedIRCServer(
        process: process, plainPort: plain, tlsPort: tlsPort, channel: channel, channelKey: ShippedConfig.channelKey,
        certificate: certificate, directory: directory, configFile: configFile)
}

/// The shipped deploy/inspircd.conf on a free loopback port; see `ShippedConfig` for what changes.
public func startShippedInspircd() throws -> ShippedIRCServer {
    guard let executable = inspircdPath() else {
        throw TestServerError(description: "inspircd is not installed: run scripts/bootstrap")
    }
    let file = "inspircd.conf"
    let shipped = try ShippedConfig.text(file)
    let directory = try ShippedConfig.temporaryDirectory("shipped-inspircd")
    let (key, certificate) = try ShippedConfig.makeCertificate(name: "irc.helpline.example", in: directory)
    let tlsPort = freeLoopbackPort()
    var text = shipped
    text = try ShippedConfig.replacingOnce(
        text, #"<bind address="" port="6697""#, #"<bind address="127.0.0.1" port="\#(tlsPort)""#, in: file)
    text = try ShippedConfig.replacingOnce(text, #"certfile="/etc/inspircd/helpline.pem""#, #"certfile="\#(certificate.path)""#, in: file)
    text = try ShippedConfig.replacingOnce(text, #"keyfile="/etc/inspircd/helpline.key""#, #"keyfile="\#(key.path)""#, in: file)
    text = try ShippedConfig.fillingPlaceholders(text, in: file)
    let channelTag = text.split(separator: "\n").first { $0.hasPrefix("<permchannels ") }
    guard let channelTag, let range = channelTag.range(of: #"channel="([^"]+)""#, options: .regularExpression) else {
        throw TestServerError(description: "deploy/inspircd.conf predefines no channel")
    }
    let channel = String(channelTag[range].dropFirst(#"channel=""#.count).dropLast())
    let configFile = directory.appendingPathComponent("inspircd.conf")
    try text.write(to: configFile, atomically: true, encoding: .utf8)
    let arguments = ["--nofork", "--nopid", "--config=\(configFile.path)"]
    let process: ServerProcess
    if getuid() == 0 {
        // InspIRCd refuses root: as Debian's unit does, run it as irc, which must own its files.
        let chown = Process()
        chown.executableURL = URL(fileURLWithPath: "/bin/chown")
        chown.arguments = ["-R", "irc:irc", directory.path]
        try chown.run()
        chown.waitUntilExit()
        // setpriv execs (no fork), so the process id we stop is the server's.
        process = try ServerProcess(
            name: "shipped-inspircd", executable: "/usr/bin/setpriv",
            arguments: ["--reuid=irc", "--regid=irc", "--clear-groups", "--", executable] + arguments, port: tlsPort)
    } else {
        process = try ServerProcess(name: "shipped-inspircd", executable: executable, arguments: arguments, port: tlsPort)
    }
    return ShippedIRCServer(
        process: process, plainPort: nil, tlsPort: tlsPort, channel: channel, channelKey: ShippedConfig.channelKey,
        certificate: certificate, directory: directory, configFile: configFile)
}

/// `entraide serve` configured by the shipped deploy/entraide.yaml, pointed at `server`.
/// Stopped with SIGKILL, like the other processes tests start.
public final class ShippedHelpline: @unchecked Sendable {
    public let process = Process()
    public let output: OutputCollector
    public let configFile: URL
    /// The health endpoint's port, and the data directory (for `entraide` commands beside the server).
    public let healthPort: Int
    public let dataDirectory: URL

    /// The built executable, beside the test bundle in the build products directory.
    public static var executable: URL {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = products.appendingPathComponent("entraide")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return repositoryRoot.appendingPathComponent(".build/debug/entraide")
    }

    public let intents: URL

    public init(server: ShippedIRCServer, intents: URL = repositoryRoot.appendingPathComponent("intents"), channelKey: String? = nil) throws {
        self.intents = intents
        let file = "entraide.yaml"
        var text = try ShippedConfig.text(file)
        text = try ShippedConfig.replacingOnce(text, "  port: 6697\n", "  port: \(server.tlsPort)\n", in: file)
        text = try ShippedConfig.replacingOnce(text, "ca_file: /etc/ngircd/helpline.pem", "ca_file: \(server.certificate.path)", in: file)
        healthPort = freeLoopbackPort()
        dataDirectory = server.directory.appendingPathComponent("data")
        text = try ShippedConfig.replacingOnce(text, "listen: 127.0.0.1:8089", "listen: 127.0.0.1:\(healthPort)", in: file)
        configFile = server.directory.appendingPathComponent("entraide.yaml")
        try text.write(to: configFile, atomically: true, encoding: .utf8)
        process.executableURL = Self.executable
        process.arguments = [
            "serve", "--config", configFile.path, "--data", dataDirectory.path,
            "--intents", intents.path,
        ]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ENTRAIDE_") }
            .merging(["ENTRAIDE_IRC_CHANNEL_KEY": channelKey ?? server.channelKey]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        output = OutputCollector(pipe.fileHandleForReading)
        try process.run()
    }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Runs `entraide ARGUMENTS` as an operator would on the same host: the same configuration and data.
    public func command(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let run = Process()
        run.executableURL = Self.executable
        run.arguments = arguments + [
            "--config", configFile.path, "--data", dataDirectory.path, "--intents", intents.path,
        ]
        run.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ENTRAIDE_") }
        let pipe = Pipe()
        run.standardOutput = pipe
        run.standardError = pipe
        run.standardInput = FileHandle.nullDevice
        try run.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        return (run.terminationStatus, output)
    }

    /// GET /health: the status code and the body.
    public func health() -> (status: Int, body: String) {
        let run = Process()
        run.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        run.arguments = ["-s", "-m", "5", "-w", "\n%{http_code}", "http://127.0.0.1:\(healthPort)/health"]
        let pipe = Pipe()
        run.standardOutput = pipe
        run.standardError = FileHandle.nullDevice
        guard (try? run.run()) != nil else { return (0, "") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    deinit { stop() }
}
