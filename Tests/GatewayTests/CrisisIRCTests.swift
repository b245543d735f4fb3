import CaseTracker
import Foundation
import Gateway
import Helpline
import IRC
import IntentMatcher
import TestSupport
import Testing

/// The safety net through a real ngircd: a worker whose case a volunteer blocked writes that they want
/// to die. An urgent case still opens and the volunteers' channel hears of it; while nobody claims it,
/// the worker gets a check-in after the (shortened) timer and the channel a louder reminder.
@Suite(.serialized, .enabled(if: ngircdPath() != nil, "ngircd is not installed: scripts/bootstrap installs it"))
struct CrisisIRCTests {
    @Test func aBlockedWorkerInCrisisOpensAnUrgentCaseAndIsCheckedOn() async throws {
        let server = try startNgircd(relaxedFlood: true)
        defer { server.stop() }
        let policy = CasePolicy(remindUrgentAfter: 3_600, checkInEvery: 2, checkInMaximum: 1, urgentUnclaimedLimit: 1)
        let bot = try RunningHelpline(
            ircPort: server.port, lineInterval: .milliseconds(20), policy: policy, remindEvery: .milliseconds(200))
        let token = "token-\(UUID().uuidString)"
        try bot.store.addVolunteer(alias: "amina", languages: ["en"], ircAccount: nil, tokenHash: Digest.sha256Hex(token))

        let volunteer = try await IRCTestClient(nick: "amina_irc", port: server.port, loop: bot.loop)
        await volunteer.start()
        #expect(await volunteer.waitForWelcome())
        try await volunteer.send("JOIN #volunteers k3y")
        let worker = try await IRCTestClient(nick: "maria", port: server.port, loop: bot.loop)
        await worker.start()
        #expect(await worker.waitForWelcome())
        #expect(await volunteer.waitUntil { _ in bot.channel.status.registered })
        try await volunteer.say("login \(token)")
        #expect(await volunteer.waitUntil { await $0.privateMessages.contains { $0.text.hasPrefix("Logged in as amina") } })

        // The worker asks for a person; the volunteer claims the case and blocks the worker.
        try await worker.say("I want to talk to a human")
        #expect(await volunteer.waitUntil { _ in ((try? bot.store.listCases().count) ?? 0) == 1 })
        try await volunteer.say("!claim 1")
        #expect(await volunteer.waitUntil { await $0.privateMessages.contains { $0.text.hasPrefix("You hold case #1") } })
        try await volunteer.say("!block 1")
        #expect(await volunteer.waitUntil { await $0.privateMessages.contains { $0.text.contains("closed and blocked") } })

        // Blocked, and in crisis: an urgent case opens all the same and the channel is told.
        try await worker.say("honestly i dont see the point anymore, i might just end it tonight")
        #expect(await volunteer.waitUntil {
            await $0.received.contains {
                $0.command == "PRIVMSG" && $0.params.first == "#volunteers" && $0.params.last?.contains("URGENT New case #2") == true
            }
        })
        let urgent = try #require(try bot.store.helplineCase(2))
        #expect(urgent.urgent && urgent.status == .open)
        let crisisAnswer = try #require(bot.helpline.library.snapshot.answers["crisis"]?.answers[.en]?.short)
        #expect(await worker.waitUntil { await $0.privateMessages.contains { $0.text.hasPrefix(String(crisisAnswer.prefix(40))) } })
        #expect(!(await worker.privateMessages.contains { $0.text.hasPrefix("I'm not sure I understood") }))

        // After the shortened timer: the check-in reaches the worker, the channel hears louder.
        #expect(await worker.waitUntil(timeout: .seconds(15)) {
            await $0.privateMessages.contains { $0.text.hasPrefix("I'm still here, and the volunteers have been called again") }
        })
        #expect(await volunteer.waitUntil {
            await $0.received.contains { $0.params.first == "#volunteers" && $0.params.last?.contains("STILL UNCLAIMED") == true }
        })
        // …and each logged-in volunteer by private message.
        #expect(await volunteer.waitUntil { await $0.privateMessages.contains { $0.text.contains("STILL UNCLAIMED") } })
        #expect(try bot.store.urgentUnclaimed(longerThan: policy.urgentUnclaimedLimit).map(\.id) == [2])

        await worker.close()
        await volunteer.close()
        await bot.stop()
    }
}
