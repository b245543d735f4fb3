import Foundation
import PollProtocol
import TestSupport
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// The built `entraide` executable, beside the test bundle.
let entraideExecutable: URL = {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let beside = products.appendingPathComponent("entraide")
    if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
    return repositoryRoot.appendingPathComponent(".build/debug/entraide")
}()

let longTests = ProcessInfo.processInfo.environment["ENTRAIDE_LONG_TESTS"] == "1"

func temporaryDirectory(_ name: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

/// An `entraide relay` process on a free loopback port, its secrets in files of its own.
struct RelayUnderTest {
    static let botToken = "bot-token-for-tests"
    static let inboundSecret = "inbound-secret-for-tests"
    static let webhookSecret = "webhook-secret-for-tests"
    static let botSigningSecret = "bot-signing-secret-for-tests"

    let process: ServerProcess
    let directory: URL
    var port: Int { process.port }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var storePath: String { directory.appendingPathComponent("data/relay.sqlite").path }

    /// `descriptorLimit`: the relay runs under `prlimit --nofile=N` (a small server's limit).
    /// `signed`: the relay and the bot share `botSigningSecret` (requests and answers carry `Entraide-Signature`).
    init(faults: String? = nil, webhook: String? = nil, descriptorLimit: Int? = nil, signed: Bool = false) throws {
        let directory = try temporaryDirectory("relay")
        self.directory = directory
        func file(_ name: String, _ content: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try content.write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)  // as an operator must
            return url.path
        }
        let port = freeLoopbackPort()
        var arguments = [
            "relay", "--listen", "127.0.0.1:\(port)", "--data", directory.appendingPathComponent("data").path,
            "--durability", "normal", "--log-level", "warning",
            "--bot-token-file", try file("bot-token", Self.botToken),
            "--inbound-secret-file", try file("inbound-secret", Self.inboundSecret),
            "--webhook-secret-file", try file("webhook-secret", Self.webhookSecret),
        ]
        if signed { arguments += ["--bot-secret-file", try file("bot-secret", Self.botSigningSecret)] }
        if let faults { arguments += ["--faults", faults] }
        if let webhook { arguments += ["--outbound-webhook", webhook] }
        if let descriptorLimit {
            process = try ServerProcess(
                name: "relay", executable: "/usr/bin/prlimit",
                arguments: ["--nofile=\(descriptorLimit):\(descriptorLimit)", entraideExecutable.path] + arguments, port: port)
        } else {
            process = try ServerProcess(name: "relay", executable: entraideExecutable.path, arguments: arguments, port: port)
        }
    }

    /// POSTs one signed inbound message; returns the status.
    func postInbound(
        _ submission: InboundSubmission, loop: CurlEventLoop, secret: String = RelayUnderTest.inboundSecret,
        header: String? = nil
    ) async throws -> (status: Int, signature: String, body: [UInt8]) {
        let body = Array(try JSONEncoder().encode(submission))
        let signature = header ?? Signature(secrets: [secret]).sign(body, timestamp: Int64(Date().timeIntervalSince1970))
        return (try await postInbound(body: body, header: signature, loop: loop), signature, body)
    }

    /// POSTs these very bytes with this signature header (a replay must differ from the original in nothing
    /// else: encoding the submission again may order its keys differently).
    func postInbound(body: [UInt8], header: String, loop: CurlEventLoop) async throws -> Int {
        try await loop.execute(
            HTTPRequest(
                method: .post, url: "\(baseURL)/inbound",
                headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader(Signature.headerName, header)],
                body: body, totalTimeout: .seconds(20))
        ).status
    }
}

extension RelayUnderTest {
    /// The `http:` section of a `serve` configuration that polls this relay, its token in a file
    /// of its own in `directory` (as docs/configuration.md asks of secrets).
    /// `through`: another base URL than the relay's (a proxy in front of it); `signed`: with the signing secret.
    func httpConfiguration(in directory: URL, _ extra: [String] = [], through base: String? = nil, signed: Bool = false)
        throws -> String {
        let tokenFile = directory.appendingPathComponent("token")
        try Self.botToken.write(to: tokenFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile.path)
        var lines = ["http:", "  base_url: \(base ?? baseURL)", "  token_file: \(tokenFile.path)"]
        if signed {
            let secretFile = directory.appendingPathComponent("signing-secret")
            try Self.botSigningSecret.write(to: secretFile, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretFile.path)
            lines.append("  signing_secret_file: \(secretFile.path)")
        }
        return (lines + extra.map { "  " + $0 }).joined(separator: "\n")
    }
}

/// `entraide serve` as an operator runs it: configured by a file, the shipped answers, its log
/// (standard output and error) collected. Stopped with SIGKILL: tests never depend on a
/// graceful shutdown.
final class ServeUnderTest: @unchecked Sendable {
    let process = Process()
    let output: OutputCollector
    let data: URL

    /// `descriptorLimit`: `serve` runs under `prlimit --nofile=N` (a small server's limit).
    init(configuration: String, directory: URL, data: URL? = nil, arguments: [String] = [], descriptorLimit: Int? = nil) throws {
        let file = directory.appendingPathComponent("entraide.yaml")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        self.data = data ?? directory.appendingPathComponent("data")
        let serveArguments = [
            "serve", "--config", file.path, "--data", self.data.path,
            "--intents", repositoryRoot.appendingPathComponent("intents").path,
        ] + arguments
        if let descriptorLimit {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
            process.arguments = ["--nofile=\(descriptorLimit):\(descriptorLimit)", entraideExecutable.path] + serveArguments
        } else {
            process.executableURL = entraideExecutable
            process.arguments = serveArguments
        }
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ENTRAIDE_") }
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        output = OutputCollector(pipe.fileHandleForReading)
        try process.run()
    }

    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A provider's side of the outbound webhook (Tests/Support/webhook_receiver.py): each POST it
/// receives becomes one JSON line in `file`.
struct WebhookReceiver {
    let process: ServerProcess
    let file: URL
    var url: String { "http://127.0.0.1:\(process.port)/hook" }

    init(in directory: URL) throws {
        file = directory.appendingPathComponent("received.jsonl")
        let port = freeLoopbackPort()
        process = try ServerProcess(
            name: "webhook", executable: "/usr/bin/env",
            arguments: ["python3", repositoryRoot.appendingPathComponent("Tests/Support/webhook_receiver.py").path, "\(port)", file.path],
            port: port)
    }
}
