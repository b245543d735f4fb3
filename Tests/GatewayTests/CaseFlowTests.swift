import CaseTracker
import Foundation
import Gateway
import Helpline
import IRC
import TestSupport
import Testing

/// A case from end to end through a real ngircd: a worker asks for a person, volunteers hear of
/// it, one logs in, claims, replies; the worker answers; the bot stays silent; the case closes.
@Suite(.serialized, .enabled(if: ngircdPath() != nil, "ngircd is not installed: scripts/bootstrap installs it"))
struct CaseFlowTests {
    @Test func aWorkerAsksForAPersonAndAVolunteerAnswersThroughTheBot() async throws {
        let server = try startNgircd(relaxedFlood: true)
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port, lineInterval: .milliseconds(20))
        let token = "token-\(UUID().uuidString)"
        try bot.store.addVolunteer(alias: "amina", languages: ["en", "fr"], ircAccount: nil, tokenHash: Digest.sha256Hex(token))

        let volunteer = try await IRCTestClient(nick: "amina_irc", port: server.port, loop: bot.loop)
        await volunteer.start()
        #expect(await volunteer.waitForWelcome())
        try await volunteer.send("JOIN #volunteers k3y")
        let worker = try await IRCTestClient(nick: "maria", port: server.port, loop: bot.loop)
        await worker.start()
        #expect(await worker.waitForWelcome())
        try await Task.sleep(for: .milliseconds(500))

        // 1. The worker asks for a person; the case is announced in the volunteers' channel.
        try await worker.say("I want to talk to a human please")
        #expect(await volunteer.waitUntil {
            await $0.received.contains { $0.command == "PRIVMSG" && $0.params.first == "#volunteers" && $0.params.last?.contains("!claim 1") == true }
        })
        let announcement = await volunteer.received.first { $0.params.first == "#volunteers" && $0.nick == "entraide" }
        #expect(announcement?.params.last?.contains("please") == false, "the worker's words are not announced")
        #expect(await worker.waitUntil { await $0.privateMessages.contains { $0.text.contains("number 1") } })

        // 2. A nick alone is not enough: claiming before logging in is refused.
        try await volunteer.say("!claim 1", to: "#volunteers")
        #expect(await volunteer.waitUntil { await $0.privateMessages.contains { $0.text.hasPrefix("Refused") } })

        // 3. Log in by private message, claim, reply.
        try await volunteer.say("login \(token)")
        #expect(await volunteer.waitUntil { await $0.privateMessages.contains { $0.text.hasPrefix("Logged in as amina") } })
        try await volunteer.say("!claim 1", to: "#volunteers")
        #expect(await volunteer.waitUntil { await $0.privateMessages.contains { $0.text.hasPrefix("You hold case #1") } })
        let workerLinesBefore = await worker.privateMessages.count
        try await volunteer.say("!reply 1 Hello Maria, I am here. What happened?")
        #expect(await worker.waitUntil { await $0.privateMessages.contains { $0.text == "[amina] Hello Maria, I am here. What happened?" } })

        // 4. The worker answers: it reaches the claimant, and the bot says nothing itself.
        try await worker.say("my hit was rejected and not paid")
        #expect(await volunteer.waitUntil {
            await $0.privateMessages.contains { $0.text.hasPrefix("#1 w-") && $0.text.hasSuffix("my hit was rejected and not paid") }
        })
        try await Task.sleep(for: .milliseconds(800))
        let workerLines = await worker.privateMessages
        #expect(workerLines.count == workerLinesBefore + 1, "the bot must stay silent while a volunteer holds the case: \(workerLines.map(\.text))")
        #expect(!workerLines.contains { $0.text.hasPrefix("Sorry this happened") })

        // 5. Close: the worker is asked whether it helped.
        try await volunteer.say("!close 1 resolved")
        #expect(await worker.waitUntil { await $0.privateMessages.contains { $0.text.contains("Did this help you?") } })
        #expect(try bot.store.helplineCase(1)?.status == .closed)
        #expect(try bot.store.verifyAudit().firstBad == nil)

        await worker.close()
        await volunteer.close()
        await bot.stop()
    }
}
