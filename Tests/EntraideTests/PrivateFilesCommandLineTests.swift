import Foundation
import TestSupport
import Testing

/// Secrets on disk (issue #18, item 8), through the real binary: stores and the key are created owner-only; a
/// key or token file others can read, or a data directory others can write in, stops the start with the fix.
@Suite struct PrivateFilesCommandLineTests {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-private-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    private func mode(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func aNewDataDirectoryAndItsFilesAreTheOwnersAlone() throws {
        let data = root.appendingPathComponent("data")
        let run = try CommandLineTests.run(["chat", "--data", data.path], input: "hello\n")
        #expect(run.status == 0, "\(run.errors)")
        #expect(try mode(data) == 0o700)
        let files = try FileManager.default.contentsOfDirectory(atPath: data.path)
        #expect(files.contains("entraide.sqlite") && files.contains("pseudonym.key"), "\(files)")
        for file in files {
            let fileMode = try mode(data.appendingPathComponent(file))
            #expect(fileMode & 0o077 == 0, "\(file) is \(String(fileMode, radix: 8))")
        }
    }

    @Test func aDataDirectoryOthersCanWriteInIsRefused() throws {
        let shared = root.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o1777], ofItemAtPath: shared.path)
        let run = try CommandLineTests.run(["chat", "--data", shared.path], input: "hello\n")
        #expect(run.status != 0)
        #expect(run.errors.contains("can be written by other users") && run.errors.contains("chmod 700"), "\(run.errors)")
        #expect(try mode(shared) == 0o1777, "an existing directory keeps its mode")
        #expect(try FileManager.default.contentsOfDirectory(atPath: shared.path).isEmpty, "nothing was written there")
        // One that others may only list is the operator's choice: accepted as it is.
        let listed = root.appendingPathComponent("listed")
        try FileManager.default.createDirectory(at: listed, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: listed.path)
        #expect(try CommandLineTests.run(["chat", "--data", listed.path], input: "hello\n").status == 0)
        #expect(try mode(listed) == 0o755)
    }

    @Test func aPseudonymKeyOthersCanReadIsRefused() throws {
        let data = root.appendingPathComponent("data")
        #expect(try CommandLineTests.run(["chat", "--data", data.path], input: "hello\n").status == 0)
        let key = data.appendingPathComponent("pseudonym.key")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
        let run = try CommandLineTests.run(["chat", "--data", data.path], input: "hello\n")
        #expect(run.status != 0)
        #expect(run.errors.contains("chmod 600 \(key.path)"), "\(run.errors)")
    }

    /// `serve` with a token file others can read stops before it connects anywhere. (Killed after 20 s if it
    /// does not: then it started, and the test fails instead of hanging.)
    @Test func aTokenFileOthersCanReadStopsServe() throws {
        let token = root.appendingPathComponent("token")
        try "a-token".write(to: token, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: token.path)
        let config = root.appendingPathComponent("entraide.yaml")
        try """
            data_dir: \(root.appendingPathComponent("data").path)
            http:
              base_url: http://127.0.0.1:9
              token_file: \(token.path)
            """.write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = ["serve", "--config", config.path]
        process.currentDirectoryURL = repositoryRoot
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 20, execute: watchdog)
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        #expect(process.terminationReason == .exit && process.terminationStatus != 0, "serve ran: \(text)")
        #expect(text.contains("chmod 600 \(token.path)"), "\(text)")
    }
}
