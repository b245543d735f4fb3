import Foundation
import IRC
import Logging
import TestSupport
import Testing
import Transport

/// The IRC server configurations in deploy/, as shipped (only ports, paths and CHANGE-ME values
/// substituted: see Tests/TestSupport/ShippedConfigs.swift), with the bot configured by the
/// shipped deploy/entraide.yaml through the real `entraide serve`.
@Suite(.serialized, .enabled(if: ngircdPath() != nil, "ngircd is not installed: scripts/bootstrap installs it"))
struct ShippedConfigTests {
    @Test func theVolunteersChannelTakesTheKeyAndIsNotInviteOnly() async throws {
        let server = try startShippedNgircd()
        defer { server.stop() }
        try await ShippedChecks.channelTakesTheKeyAndIsNotInviteOnly(server)
    }

    @Test func onlyTLSIsOfferedAndTheCertificateOfMakeIRCCertVerifies() async throws {
        let server = try startShippedNgircd()
        defer { server.stop() }
        #expect(server.plainPort == nil, "the shipped ngircd.conf opens no clear-text port")
        try await ShippedChecks.tlsCompletesAndVerifies(server)
    }

    @Test func theBotConfiguredByTheShippedYAMLJoinsTheChannelAndAnswers() async throws {
        let server = try startShippedNgircd()
        defer { server.stop() }
        try await ShippedChecks.botJoinsAndAnswers(server)
    }

    /// ngircd logs each client's address (info) and nick (notice) and has no setting against it;
    /// deploy/ngircd.service.d/privacy.conf makes journald drop every line above its LogLevelMax.
    /// Applied to what ngircd really wrote (with -n, each line carries its syslog level), the
    /// filter leaves neither the nick nor the address.
    @Test func thePrivacyDropInLeavesNoNickAndNoAddressInTheLog() async throws {
        let server = try startShippedNgircd()
        defer { server.stop() }
        let loop = try CurlEventLoop(logger: Logger(label: "shipped-log"))
        defer { loop.shutdown() }
        let worker = try await IRCTestClient(
            nick: "maria_w", port: server.tlsPort, loop: loop, tls: true, caFile: server.certificate.path)
        await worker.start()
        #expect(await worker.waitForWelcome())
        try await worker.send("NICK maria_w2")
        // Logged with the nick, at err; ngircd then holds the connection ~10 s (a penalty) before
        // it reads the QUIT.
        try await worker.send("OPER operator wrong-password")
        try await worker.send("QUIT :bye")
        let deadline = ContinuousClock.now + .seconds(30)
        func gone() -> Bool { server.log.split(separator: "\n").contains { $0.contains("maria_w2") && $0.contains("unregistered") } }
        while !gone(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(gone(), "ngircd logged the worker's QUIT")
        await worker.close()

        let dropIn = try ShippedConfig.text("ngircd.service.d/privacy.conf")
        let maximum = try #require(ShippedChecks.logLevelMax(dropIn), "privacy.conf sets LogLevelMax")
        let lines = server.log.split(separator: "\n").map(String.init)
        let leveled = lines.compactMap { line -> (level: Int, text: String)? in
            guard let level = ShippedChecks.ngircdLevel(line) else { return nil }
            return (level, line)
        }
        #expect(leveled.count == lines.count, "every line ngircd -n writes carries its level: \(lines.filter { ShippedChecks.ngircdLevel($0) == nil })")
        // Without the drop-in the log does name the worker (so the check below means something).
        #expect(lines.contains { $0.contains("maria_w") } && lines.contains { $0.contains("127.0.0.1") })
        let kept = leveled.filter { $0.level <= maximum }.map(\.text)
        #expect(!kept.contains { $0.contains("maria_w") || $0.contains("127.0.0.1") }, "kept: \(kept)")
    }
}

@Suite(.serialized, .enabled(if: inspircdPath() != nil, "inspircd is not installed: scripts/bootstrap installs it"))
struct ShippedInspIRCdConfigTests {
    @Test func theVolunteersChannelTakesTheKeyAndIsNotInviteOnly() async throws {
        let server = try startShippedInspircd()
        defer { server.stop() }
        try await ShippedChecks.channelTakesTheKeyAndIsNotInviteOnly(server)
        try await ShippedChecks.tlsCompletesAndVerifies(server)
    }

    @Test func theBotJoinsAndNothingAboutClientsIsLogged() async throws {
        let server = try startShippedInspircd()
        defer { server.stop() }
        try await ShippedChecks.botJoinsAndAnswers(server)
        // No <log> tag (a file log would not show on standard output): only the start-up banner,
        // nothing about the clients that came and went.
        let config = try String(contentsOf: server.configFile, encoding: .utf8)
        #expect(!config.split(separator: "\n").contains { $0.hasPrefix("<log") }, "deploy/inspircd.conf must not log")
        let log = server.log
        #expect(log.contains("InspIRCd is now running"))
        for word in ["worker_s", "volunteer_s", "127.0.0.1"] {
            #expect(!log.contains(word), "InspIRCd logged '\(word)': \(log)")
        }
    }
}

/// The checks both servers' shipped configurations must pass.
enum ShippedChecks {
    static func client(_ nick: String, _ server: ShippedIRCServer, _ loop: CurlEventLoop) async throws -> IRCTestClient {
        let client = try await IRCTestClient(nick: nick, port: server.tlsPort, loop: loop, tls: true, caFile: server.certificate.path)
        await client.start()
        return client
    }

    static func joined(_ client: IRCTestClient, _ nick: String, _ channel: String) async -> Bool {
        await client.waitUntil {
            await $0.received.contains { $0.command == "JOIN" && $0.nick == nick && $0.params.first?.lowercased() == channel.lowercased() }
        }
    }

    /// (a) Without the key: 475; with it: joined. (b) No INVITE was needed, and the channel's
    /// modes, as a member sees them, are secret, no outside messages, topic locked, keyed, not +i.
    static func channelTakesTheKeyAndIsNotInviteOnly(_ server: ShippedIRCServer) async throws {
        let loop = try CurlEventLoop(logger: Logger(label: "shipped-channel"))
        defer { loop.shutdown() }
        let volunteer = try await client("volunteer_k", server, loop)
        #expect(await volunteer.waitForWelcome())
        #expect(server.channel == "#entraide-volunteers")

        try await volunteer.send("JOIN \(server.channel)")
        #expect(await volunteer.waitUntil { await $0.received.contains { $0.command == "475" } }, "no key: 475")
        #expect(!(await volunteer.received.contains { $0.command == "JOIN" }))
        try await volunteer.send("JOIN \(server.channel) \(server.channelKey)")
        #expect(await joined(volunteer, "volunteer_k", server.channel))
        #expect(!(await volunteer.received.contains { $0.command == "473" }), "never refused as invite-only")

        try await volunteer.send("MODE \(server.channel)")
        #expect(await volunteer.waitUntil { await $0.received.contains { $0.command == "324" } })
        let reply = try #require(await volunteer.received.first { $0.command == "324" })
        let modes = reply.params.count > 2 ? reply.params[2] : ""
        for mode in ["s", "n", "t", "k"] { #expect(modes.contains(mode), "+\(mode) in \(modes)") }
        #expect(!modes.contains("i"), "not invite-only: \(modes)")
        #expect(reply.params.contains(server.channelKey), "a member sees the key: \(reply.params)")
        await volunteer.close()
    }

    /// (c) `openssl s_client` completes the handshake and verifies the certificate of
    /// scripts/make-irc-cert for 127.0.0.1; a clear-text client on that port never registers.
    static func tlsCompletesAndVerifies(_ server: ShippedIRCServer) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "s_client", "-connect", "127.0.0.1:\(server.tlsPort)", "-CAfile", server.certificate.path,
            "-verify_return_error", "-verify_ip", "127.0.0.1", "-brief",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let input = Pipe()
        process.standardInput = input
        try process.run()
        try input.fileHandleForWriting.close()  // end of input: s_client says goodbye and exits
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "openssl s_client: \(text)")
        #expect(text.contains("Verification: OK"), "\(text)")
        #expect(text.contains("Protocol version: TLSv1.3") || text.contains("Protocol version: TLSv1.2"), "\(text)")

        let loop = try CurlEventLoop(logger: Logger(label: "shipped-tls"))
        defer { loop.shutdown() }
        // The server may close the connection before our NICK and USER are sent: that is a refusal too.
        if let plain = try? await IRCTestClient(nick: "plain_c", port: server.tlsPort, loop: loop) {
            await plain.start()
            #expect(!(await plain.waitUntil(timeout: .seconds(2)) { await $0.received.contains { $0.command == "001" } }),
                    "clear text must not register on the TLS port")
            await plain.close()
        }
    }

    /// (d) `entraide serve` with the shipped entraide.yaml (TLS, certificate verified, channel and
    /// key from the configuration loader and ENTRAIDE_IRC_CHANNEL_KEY) joins the channel the
    /// server predefines, and answers a worker.
    static func botJoinsAndAnswers(_ server: ShippedIRCServer) async throws {
        #expect(try ShippedConfig.entraideVolunteersChannel() == server.channel, "entraide.yaml and the server name the same channel")
        guard FileManager.default.isExecutableFile(atPath: ShippedHelpline.executable.path) else {
            Issue.record("build the executable first: swift build --build-tests (\(ShippedHelpline.executable.path))")
            return
        }
        let loop = try CurlEventLoop(logger: Logger(label: "shipped-bot"))
        defer { loop.shutdown() }
        let volunteer = try await client("volunteer_s", server, loop)
        #expect(await volunteer.waitForWelcome())
        try await volunteer.send("JOIN \(server.channel) \(server.channelKey)")
        #expect(await joined(volunteer, "volunteer_s", server.channel))

        let bot = try ShippedHelpline(server: server)
        defer { bot.stop() }
        let botJoined = await volunteer.waitUntil(timeout: .seconds(30)) { await joined($0, "entraide", server.channel) }
        #expect(botJoined, "the bot's log: \(bot.output.text.suffix(3000))")
        try await volunteer.send("NAMES \(server.channel)")
        #expect(await volunteer.waitUntil {
            await $0.received.contains { $0.command == "353" && $0.params.last?.split(separator: " ").contains { $0.hasSuffix("entraide") } == true }
        })

        let worker = try await client("worker_s", server, loop)
        #expect(await worker.waitForWelcome())
        try await worker.say("hello")
        #expect(await worker.waitUntil(timeout: .seconds(30)) {
            await $0.privateMessages.contains { $0.from == "entraide" && $0.text.hasPrefix("Hi, welcome to Entraide") }
        }, "the bot's log: \(bot.output.text.suffix(3000))")
        await worker.close()
        await volunteer.close()
    }

    /// The syslog level at the start of a line of `ngircd -n`: `[pid:level uptime] text`.
    static func ngircdLevel(_ line: String) -> Int? {
        guard line.hasPrefix("["), let colon = line.firstIndex(of: ":") else { return nil }
        let digits = line[line.index(after: colon)...].prefix { $0.isNumber }
        return Int(digits)
    }

    /// `LogLevelMax=` of a systemd drop-in, as a syslog level number.
    static func logLevelMax(_ dropIn: String) -> Int? {
        let names = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]
        let line = dropIn.split(separator: "\n").first { $0.hasPrefix("LogLevelMax=") }
        guard let value = line?.dropFirst("LogLevelMax=".count).trimmingCharacters(in: .whitespaces) else { return nil }
        return names.firstIndex(of: value) ?? Int(value)
    }
}
