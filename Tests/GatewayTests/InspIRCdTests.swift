import CaseTracker
import Foundation
import Gateway
import Helpline
import IRC
import TestSupport
import Testing

/// The same helpline against InspIRCd, which offers the IRCv3 capabilities ngircd lacks.
@Suite(.serialized, .enabled(if: inspircdPath() != nil, "inspircd is not installed: scripts/bootstrap installs it"))
struct InspIRCdTests {
    @Test func capabilitiesAreNegotiatedAndTheConversationWorks() async throws {
        let server = try startInspircd()
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port)
        let worker = try await IRCTestClient(nick: "worker5", port: server.port, loop: bot.loop)
        await worker.start()
        #expect(await worker.waitForWelcome())
        // What the server offers, seen by a plain client: the bot should have asked for these.
        try await worker.send("CAP LS 302")
        #expect(await worker.waitUntil { await $0.received.contains { $0.command == "CAP" } })
        let offered = await worker.received.filter { $0.command == "CAP" }.compactMap(\.params.last).joined(separator: " ")
        for capability in ["message-tags", "server-time", "account-tag", "account-notify", "labeled-response"] {
            #expect(offered.contains(capability), "InspIRCd should offer \(capability): \(offered)")
        }
        try await worker.send("CAP END")
        try await Task.sleep(for: .milliseconds(500))
        try await worker.say("hola")
        #expect(await worker.waitUntil { await $0.privateMessages.contains { $0.text.hasPrefix("Hola, bienvenido/a a Entraide") } })
        // The bot asked for and got them (sasl is not offered without services).
        let negotiated = bot.channel.status.capabilities
        #expect(negotiated.isSuperset(of: ["message-tags", "server-time", "account-tag", "account-notify", "labeled-response"]),
                "negotiated: \(negotiated.sorted())")
        await worker.close()
        await bot.stop()
    }

    @Test func aWorkerAsksForAPersonAndTheCaseIsAnnounced() async throws {
        let server = try startInspircd(relaxedFlood: true)
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port, lineInterval: .milliseconds(20))
        let volunteer = try await IRCTestClient(nick: "vol1", port: server.port, loop: bot.loop)
        await volunteer.start()
        #expect(await volunteer.waitForWelcome())
        try await volunteer.send("JOIN #volunteers k3y")
        let worker = try await IRCTestClient(nick: "worker6", port: server.port, loop: bot.loop)
        await worker.start()
        #expect(await worker.waitForWelcome())
        try await Task.sleep(for: .milliseconds(800))
        try await worker.say("quiero hablar con una persona")
        #expect(await volunteer.waitUntil {
            await $0.received.contains { $0.command == "PRIVMSG" && $0.params.first == "#volunteers" && $0.params.last?.contains("[es]") == true }
        })
        await worker.close()
        await volunteer.close()
        await bot.stop()
    }
}

extension InspIRCdTests {
    /// Replies queued at once under InspIRCd's default connect class (10 lines, then 1 line/s;
    /// `RecvQ exceeded` past 8 KiB): the bot's default pacing keeps it connected and everything
    /// arrives in order. 20 in the suite, 200 with ENTRAIDE_LONG_TESTS=1.
    @Test func queuedRepliesUnderDefaultLimitsCauseNoDisconnect() async throws {
        let total = ProcessInfo.processInfo.environment["ENTRAIDE_LONG_TESTS"] == "1" ? 200 : 20
        let server = try startInspircd()
        defer { server.stop() }
        let bot = try RunningHelpline(
            ircPort: server.port, burst: 4, lineInterval: .seconds(1), engine: false, idleBeforePing: .seconds(60),
            pingTimeout: .seconds(30))
        let worker = try await IRCTestClient(nick: "patient", port: server.port, loop: bot.loop)
        await worker.start()
        #expect(await worker.waitForWelcome())
        #expect(await worker.waitUntil { _ in bot.channel.status.registered })
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<total { try bot.queueReply("reply-\(index)", to: "patient", id: "insp-flood-\(index)") }
        let expected = (0..<total).map { "reply-\($0)" }
        let arrived = await worker.waitUntil(timeout: .seconds(Double(total) * 2 + 30)) { await $0.privateMessages.map(\.text) == expected }
        #expect(arrived)
        print("irc.flood: \(total) queued replies delivered in \(clock.now - start) under InspIRCd default limits")
        #expect(bot.channel.status.registered)
        await worker.close()
        await bot.stop()
    }
}
