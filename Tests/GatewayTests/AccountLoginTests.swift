import CaseTracker
import Foundation
import Gateway
import Helpline
import IRC
import TestSupport
import Testing

/// A volunteer known by a services account, not a token: the bot believes the account only where
/// the server vouches for it (extended-join, account-notify, account-tag). Real InspIRCd 3, with
/// services played by `Tests/Support/fake_services.py`, a U-lined server linked over spanningtree
/// that sets and clears accounts (METADATA accountname) as Anope or Atheme would.
@Suite(.serialized, .enabled(if: inspircdPath() != nil, "inspircd is not installed: scripts/bootstrap installs it"))
struct AccountLoginTests {
    @Test func anAccountVolunteerNeedsNoTokenTheAccountFollowsHerNickAndLogoutEndsIt() async throws {
        let linkPort = freeLoopbackPort()
        let server = try startInspircd(relaxedFlood: true, servicesLinkPort: linkPort)
        defer { server.stop() }
        let services = try FakeServices(linkPort: linkPort)
        defer { services.stop() }
        let bot = try RunningHelpline(ircPort: server.port, lineInterval: .milliseconds(20))
        try bot.store.addVolunteer(alias: "amina", languages: ["en"], ircAccount: "amina_acct", tokenHash: nil)
        let amina = try await IRCTestClient(nick: "amina_v", port: server.port, loop: bot.loop)
        let maria = try await IRCTestClient(nick: "maria", port: server.port, loop: bot.loop)
        await amina.start()
        await maria.start()
        #expect(await amina.waitForWelcome())
        #expect(await maria.waitForWelcome())
        #expect(await amina.waitUntil { _ in bot.channel.status.inVolunteersChannel })
        #expect(bot.channel.status.capabilities.isSuperset(of: ["account-tag", "account-notify", "extended-join"]),
                "negotiated: \(bot.channel.status.capabilities.sorted())")

        // (1) Services log her in before she joins; joining the channel (extended-join) logs her in to the bot.
        #expect(try services.login("amina_v", as: "amina_acct") == "ok")
        try await amina.send("JOIN #volunteers k3y")
        #expect(await amina.waitUntil { await $0.received.contains { $0.command == "366" } })
        #expect(await amina.waitUntil { _ in bot.helpline.presence.nick(of: "amina") == "amina_v" }, "extended-join logged her in")
        #expect(bot.helpline.presence.login(ofNick: "amina_v")?.account == "amina_acct")

        try await maria.say("I need a human please")
        #expect(await amina.waitUntil { _ in ((try? bot.store.listCases().count) ?? 0) == 1 })
        try await amina.say("claim 1")
        #expect(await amina.waitForPrivate { $0.hasPrefix("You hold case #1") })
        try await maria.say("thank you, the platform blocked my payout")
        #expect(await amina.waitForPrivate { $0.hasPrefix("#1 w-") && $0.hasSuffix("the platform blocked my payout") })

        // (2) A nick change: the account login follows her to amina_2.
        try await amina.send("NICK amina_2")
        #expect(await amina.waitUntil { _ in bot.helpline.presence.nick(of: "amina") == "amina_2" }, "the login followed the nick")
        try await maria.say("are you still there?")
        #expect(await amina.waitUntil {
            await $0.received.contains {
                $0.command == "PRIVMSG" && $0.params.first == "amina_2" && $0.params.last?.hasPrefix("#1 w-") == true
                    && $0.params.last?.hasSuffix("are you still there?") == true
            }
        }, "the worker's words reach her new nick")
        // A stranger who takes her old nick gets nothing.
        let stranger = try await IRCTestClient(nick: "amina_v", port: server.port, loop: bot.loop)
        await stranger.start()
        #expect(await stranger.waitUntil { await $0.received.contains { $0.command == "001" } }, "the old nick is free")
        // Outside the volunteers' channel "!show 1" is a worker's message: answered as one, the case not shown.
        try await stranger.say("!show 1")
        #expect(await stranger.waitForPrivate { !$0.isEmpty })
        try await maria.say("my profile number is 4471")
        #expect(await amina.waitUntil {
            await $0.received.contains { $0.params.first == "amina_2" && $0.params.last?.hasSuffix("my profile number is 4471") == true }
        })
        try await Task.sleep(for: .milliseconds(500))
        let leaked = await stranger.privateMessages.filter { $0.text.hasPrefix("#1 ") || $0.text.contains("4471") || $0.text.contains("payout") }
        #expect(leaked.isEmpty, "the stranger on the old nick got: \(leaked.map(\.text))")

        // (3) Services log her out (ACCOUNT *): the login ends, and she can no longer act on the case.
        #expect(try services.logout("amina_2") == "ok")
        #expect(await amina.waitUntil { _ in bot.helpline.presence.nick(of: "amina") == nil }, "the logout ended the login")
        try await amina.say("!show 1")
        #expect(await amina.waitUntil {
            await $0.received.contains {
                $0.command == "PRIVMSG" && $0.params.first == "amina_2" && $0.params.last?.hasPrefix("Refused: you are not logged in") == true
            }
        })
        #expect(try bot.store.helplineCase(1)?.claimedBy == "amina", "the case stays hers for when she logs in again")

        await stranger.close()
        await maria.close()
        await amina.close()
        await bot.stop()
    }
}
