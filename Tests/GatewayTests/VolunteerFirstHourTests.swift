import CaseTracker
import Foundation
import IRC
import Logging
import TestSupport
import Testing
import Transport

/// A new volunteer's first hour, as docs/volunteers.md tells it, against the SHIPPED deploy files:
/// ngircd from deploy/ngircd.conf (TLS only, keyed channel), `entraide serve` from deploy/entraide.yaml,
/// the operator's commands run beside it. Every step goes through the real gateway.
@Suite(.serialized, .enabled(if: ngircdPath() != nil, "ngircd is not installed: scripts/bootstrap installs it"))
struct VolunteerFirstHourTests {
    static func connect(_ nick: String, _ server: ShippedIRCServer, _ loop: CurlEventLoop) async throws -> IRCTestClient {
        let client = try await IRCTestClient(nick: nick, port: server.tlsPort, loop: loop, tls: true, caFile: server.certificate.path)
        await client.start()
        #expect(await client.waitForWelcome(), "\(nick) registered")
        return client
    }

    static func token(from output: String) -> String? {
        output.split(separator: "\n").map(String.init).first { Digest.looksLikeToken($0) }
    }

    static func channelLines(_ client: IRCTestClient, _ channel: String) async -> [String] {
        await client.received.filter { $0.command == "PRIVMSG" && $0.params.first?.lowercased() == channel.lowercased() }
            .compactMap { $0.params.last }
    }

    @Test func theFirstHourFromTheDocsWorksWithTheShippedFiles() async throws {
        let server = try startShippedNgircd()
        defer { server.stop() }
        let bot = try ShippedHelpline(server: server)
        defer { bot.stop() }
        let loop = try CurlEventLoop(logger: Logger(label: "first-hour"))
        defer { loop.shutdown() }
        let channel = server.channel

        // 1. The operator adds two volunteers; each gets a token once.
        let added = try bot.command(["volunteers", "add", "amina", "--languages", "en,fr"])
        let aminaToken = try #require(Self.token(from: added.output), "a token printed: \(added.output)")
        let brunoToken = try #require(Self.token(from: try bot.command(["volunteers", "add", "bruno", "--languages", "en,es"]).output))

        let amina = try await Self.connect("amina_v", server, loop)
        let bruno = try await Self.connect("bruno_v", server, loop)
        let maria = try await Self.connect("maria_w", server, loop)
        defer { Task { await amina.close(); await bruno.close(); await maria.close() } }

        // 2. Logging in before joining the channel is refused, with what to do.
        // 60 s: on a loaded 2-core CI machine the first TLS handshake and join took over 30 s once.
        let up = await amina.waitUntil(timeout: .seconds(60)) { _ in bot.health().status == 200 }
        try #require(up, "the bot is up and in \(channel); health: \(bot.health().body); log: \(bot.output.text.suffix(2_000))")
        try await amina.say("login \(aminaToken)")
        #expect(await amina.waitForPrivate { $0.hasPrefix("Refused: join \(channel) first") })
        #expect(try await amina.joinAndLogIn(token: aminaToken, channel: channel, key: server.channelKey))
        #expect(try await bruno.joinAndLogIn(token: brunoToken, channel: channel, key: server.channelKey))

        // 3. A worker asks about a missing payment, then for a person: the case is announced with its
        // topic (the question, not "human") and the nicks of those who speak English; never her words.
        try await maria.say("my payment did not arrive, the platform owes me 3 weeks")
        #expect(await maria.waitUntil { await $0.privateMessages.count >= 1 })
        try await maria.say("human")
        #expect(await maria.waitForPrivate { $0.contains("number 1") })
        #expect(await amina.waitUntil { await Self.channelLines($0, channel).contains { $0.contains("New case #1 [en] topic pay-missing") } })
        let announcement = try #require(await Self.channelLines(amina, channel).first { $0.contains("New case #1") })
        #expect(announcement.contains("amina_v") && announcement.contains("bruno_v"), "\(announcement)")
        #expect(!announcement.contains("payment"))

        // 4. While it waits, the worker hears where her request stands, not a greeting.
        try await maria.say("hello? is anyone there")
        #expect(await maria.waitForPrivate { $0.contains("request #1 is waiting") && $0.contains("2 volunteer(s) are connected") })

        // 5. In private, without "!": show is the whole transcript, the bot's answers marked as the bot's.
        try await amina.say("show 1")
        #expect(await amina.waitForPrivate { $0.contains("worker: my payment did not arrive") })
        #expect(await amina.waitForPrivate { $0.contains("bot: ") })
        #expect(await amina.waitForPrivate { $0.contains("worker: hello? is anyone there") })

        // 6. Claim and reply as the bot's hint says; the worker reads the alias, never the nick.
        try await amina.say("claim 1")
        #expect(await amina.waitForPrivate { $0.hasPrefix("You hold case #1") && $0.contains("reply 1 your text") })
        try await amina.say("reply 1 Hello, I am Amina, a volunteer. What happened?")
        #expect(await maria.waitForPrivate { $0 == "[amina] Hello, I am Amina, a volunteer. What happened?" })
        try await maria.say("they stopped paying after my account review")
        #expect(await amina.waitForPrivate { $0.hasPrefix("#1 w-") && $0.hasSuffix("they stopped paying after my account review") })
        #expect(!(await maria.privateMessages.contains { $0.text.contains("amina_v") }))

        // 7. A mistyped command is said to be one; a curated answer goes out signed.
        try await amina.say("repyl 1 oops")
        #expect(await amina.waitForPrivate { $0.hasPrefix("Unknown command \"repyl\", try help") })
        try await amina.say("answer 1 pay-missing")
        #expect(await amina.waitForPrivate { $0.hasPrefix("Sent the pay-missing answer") })
        #expect(await maria.waitUntil { await $0.privateMessages.filter { $0.text.hasPrefix("[amina] ") }.count >= 2 })

        // 8. A hand-over is offered, accepted, and the worker told; then given back to the queue.
        try await amina.say("transfer 1 bruno")
        #expect(await bruno.waitForPrivate { $0.hasPrefix("amina offers you case #1") })
        try await bruno.say("accept 1")
        #expect(await maria.waitForPrivate { $0.contains("A new volunteer, bruno, takes over your request #1") })
        #expect(await amina.waitForPrivate { $0.contains("bruno accepted case #1") })
        try await bruno.say("release 1")
        #expect(await maria.waitForPrivate { $0.contains("It is waiting for another volunteer") })
        #expect(await amina.waitUntil { await Self.channelLines($0, channel).contains { $0.contains("#1 [en] topic pay-missing is back in the queue") } })

        // 9. In the channel with "!", as the announcement says; close; the worker's answer is the outcome.
        try await amina.say("!claim 1", to: channel)
        #expect(await amina.waitUntil { await $0.privateMessages.filter { $0.text.hasPrefix("You hold case #1") }.count >= 2 })
        try await amina.say("close 1 paid after escalation")
        #expect(await maria.waitForPrivate { $0.contains("Did this help you?") })
        try await maria.say("yes")
        #expect(await maria.waitForPrivate { $0.hasPrefix("Thank you for telling us") })
        let export = try bot.command(["cases", "export", "--since", "2000-01-01"])
        #expect(export.status == 0)
        #expect(export.output.split(whereSeparator: \.isNewline).contains { $0.hasPrefix("1,") && $0.contains(",yes,") }, "\(export.output)")
        #expect(!export.output.contains("payment"))
        try await amina.say("stats")
        #expect(await amina.waitForPrivate { $0.lowercased().contains("week") })

        // 10. A token pasted in the channel stops working at once; its owner is told what to do.
        try await bruno.say("login \(brunoToken)", to: channel)
        #expect(await bruno.waitForPrivate { $0.contains("no longer works") && $0.contains("entraide volunteers add bruno") })
        try await bruno.say("!list")
        #expect(await bruno.waitForPrivate { $0.hasPrefix("Refused: you are not logged in") })
        try await bruno.say("login \(brunoToken)")
        #expect(await bruno.waitForPrivate { $0.hasPrefix("Refused: that token is not valid") })

        let health = bot.health()
        #expect(health.status == 200, "\(health.body)")
        #expect(health.body.contains("in \(channel)"))
        let verify = try bot.command(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.output)")
    }

    /// The operator learns what is wrong: a bot that cannot join the volunteers' channel (wrong key) makes
    /// /health 503 with the server's reason, and a refused reload too, while the last good set serves.
    @Test func healthSaysWhyVolunteersCannotHearTheBot() async throws {
        let server = try startShippedNgircd()
        defer { server.stop() }
        let intents = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-intents-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("intents"), to: intents)
        let bot = try ShippedHelpline(server: server, intents: intents, channelKey: "not-the-key")
        defer { bot.stop() }
        let deadline = ContinuousClock.now + .seconds(30)
        var health = bot.health()
        while !(health.status == 503 && health.body.contains("475")), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            health = bot.health()
        }
        #expect(health.status == 503)
        #expect(health.body.contains("not in the volunteers' channel \(server.channel)") && health.body.contains("475"), "\(health.body)")
        #expect(health.body.contains("irc.volunteers_channel and its key"))

        // A broken answer file, then SIGHUP: refused, said, the last good set kept.
        try "intent: [broken".write(to: intents.appendingPathComponent("greeting.yaml"), atomically: true, encoding: .utf8)
        kill(bot.process.processIdentifier, SIGHUP)
        let reloaded = ContinuousClock.now + .seconds(15)
        while !health.body.contains("last reload was refused"), ContinuousClock.now < reloaded {
            try await Task.sleep(for: .milliseconds(200))
            health = bot.health()
        }
        #expect(health.status == 503)
        #expect(health.body.contains("last reload was refused") && health.body.contains("greeting.yaml"), "\(health.body)")
    }
}
