import CaseTracker
import Foundation
import Gateway
import Helpline
import IRC
import Logging
import TestSupport
import Testing
import Transport

/// A login lasts only while the bot can be sure the same person holds the nick. For each way of
/// leaving — part, kick, quit, nick change — the login ends, and whoever takes the nick afterwards
/// can read nothing, act on nothing and receives none of the worker's words. Real ngircd.
@Suite(.serialized, .enabled(if: ngircdPath() != nil, "ngircd is not installed: scripts/bootstrap installs it"))
struct VolunteerLoginTests {
    enum Leaving: String, CaseIterable, Sendable {
        case part, kick, quit, rename
    }

    @Test(arguments: Leaving.allCases)
    func aLoginEndsWithPresenceAndTheNextHolderOfTheNickGetsNothing(_ leaving: Leaving) async throws {
        let server = try startNgircd(relaxedFlood: true)
        defer { server.stop() }
        // The channel's operator (first in, so a chanop) can kick; the bot joins after.
        let opLoop = try CurlEventLoop(logger: Logger(label: "chanop"))
        defer { opLoop.shutdown() }
        let chanop = try await IRCTestClient(nick: "chanop", port: server.port, loop: opLoop)
        await chanop.start()
        #expect(await chanop.waitForWelcome())
        try await chanop.send("JOIN #volunteers")
        #expect(await chanop.waitUntil { await $0.received.contains { $0.command == "366" } })

        let bot = try RunningHelpline(ircPort: server.port, lineInterval: .milliseconds(20))
        let token = "token-\(UUID().uuidString)"
        try bot.store.addVolunteer(alias: "amina", languages: ["en"], ircAccount: nil, tokenHash: Digest.sha256Hex(token))
        let amina = try await IRCTestClient(nick: "amina_irc", port: server.port, loop: bot.loop)
        let maria = try await IRCTestClient(nick: "maria", port: server.port, loop: bot.loop)
        await amina.start()
        await maria.start()
        #expect(await amina.waitForWelcome())
        #expect(await maria.waitForWelcome())
        #expect(await amina.waitUntil { _ in bot.channel.status.inVolunteersChannel })
        #expect(try await amina.joinAndLogIn(token: token))

        try await maria.say("I need a human please")
        #expect(await amina.waitUntil { _ in ((try? bot.store.listCases().count) ?? 0) == 1 })
        try await amina.say("claim 1")
        #expect(await amina.waitForPrivate { $0.hasPrefix("You hold case #1") })

        // The volunteer leaves, one way or another: the bot ends the login.
        switch leaving {
        case .part: try await amina.send("PART #volunteers :brb")
        case .kick: try await chanop.send("KICK #volunteers amina_irc :test")
        case .quit: try await amina.send("QUIT :bye")
        case .rename: try await amina.send("NICK amina_away")
        }
        #expect(await amina.waitUntil { _ in bot.helpline.presence.nick(of: "amina") == nil }, "the login ended on \(leaving)")
        if leaving == .rename {
            // To the new nick (the client's own filter knows only the first one).
            #expect(await amina.waitUntil {
                await $0.received.contains { $0.params.first == "amina_away" && $0.params.last?.hasPrefix("Your login ended because your nick changed") == true }
            })
        }
        // Whoever still holds the nick without the login cannot act: the same person after part or kick. Out of
        // the volunteers' channel, "!show 1" is a worker's message: answered as one, the case not shown.
        if leaving == .part || leaving == .kick {
            let before = await amina.privateMessages.count
            try await amina.say("!show 1")
            #expect(await amina.waitUntil { await $0.privateMessages.count > before })
            let answers = await amina.privateMessages.dropFirst(before).map(\.text)
            #expect(!answers.contains { $0.contains("I need a human") || $0.hasPrefix("#1 ") }, "\(answers)")
            try await amina.send("QUIT :gone")
        }
        await amina.close()

        // A stranger takes the nick.
        let stranger = try await IRCTestClient(nick: "amina_irc", port: server.port, loop: bot.loop)
        await stranger.start()
        #expect(await stranger.waitUntil { await $0.received.contains { $0.command == "001" } }, "the nick is free again")
        try await stranger.send("JOIN #volunteers k3y")
        #expect(await stranger.waitUntil { await $0.received.contains { $0.command == "366" } })
        try await stranger.say("!show 1")
        try await stranger.say("reply 1 give me your phone number")
        try await stranger.say("!reply 1 give me your phone number")
        #expect(await stranger.waitUntil { await $0.privateMessages.filter { $0.text.hasPrefix("Refused: you are not logged in") }.count >= 2 })

        // The worker writes on her case: her words reach no one on that nick.
        try await maria.say("are you still there? my number is in my profile")
        #expect(await chanop.waitUntil {
            await $0.received.contains { $0.params.first == "#volunteers" && $0.params.last?.contains("amina is not connected") == true }
        })
        try await Task.sleep(for: .milliseconds(800))
        let leaked = await stranger.privateMessages.filter { $0.text.contains("are you still there") || $0.text.hasPrefix("#1 ") }
        #expect(leaked.isEmpty, "the stranger on the nick got: \(leaked.map(\.text))")
        #expect(!(await maria.privateMessages.contains { $0.text.contains("phone number") }))
        #expect(try bot.store.helplineCase(1)?.claimedBy == "amina", "the case stays with amina, who can log in again")

        await stranger.close()
        await maria.close()
        await chanop.close()
        await bot.stop()
    }

    /// 300 token guesses from one nick: a few are answered and audited, then one refusal and one audit row say
    /// it is a flood, and the rest are neither answered nor recorded; a worker is still answered (issue #18,
    /// item 6: 300 lines gave 300 answers and 300 permanent audit rows).
    @Test func tokenGuessesAreRateLimitedAndAuditedOnce() async throws {
        let server = try startNgircd(relaxedFlood: true)
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port, burst: 100, lineInterval: .milliseconds(1))
        let guesser = try await IRCTestClient(nick: "guesser", port: server.port, loop: bot.loop)
        let worker = try await IRCTestClient(nick: "worker9", port: server.port, loop: bot.loop)
        await guesser.start()
        await worker.start()
        #expect(await guesser.waitForWelcome())
        #expect(await worker.waitForWelcome())
        #expect(await guesser.waitUntil { _ in bot.channel.status.registered })
        let audited = try bot.store.auditRecords().count
        for index in 0..<300 { try await guesser.say("login guess-\(index)") }
        try await guesser.say("login last-guess")
        // Once the bot has read them all: the worker, who wrote after, is answered.
        try await Task.sleep(for: .seconds(1))
        try await worker.say("hello")
        #expect(await worker.waitUntil(timeout: .seconds(10)) { await !$0.privateMessages.isEmpty })
        try await Task.sleep(for: .seconds(1))
        let answers = await guesser.privateMessages.map(\.text)
        #expect(answers.filter { $0.hasPrefix("Refused: that token is not valid") }.count == 5, "\(answers.count) answers")
        #expect(answers.filter { $0.hasPrefix("Refused: too many attempts") }.count == 1)
        #expect(answers.count == 6)
        let rows = try bot.store.auditRecords().dropFirst(audited)
        #expect(rows.count == 6, "\(rows.count) audit rows")
        #expect(rows.filter { $0.action == "flood" }.count == 1)
        await guesser.close()
        await worker.close()
        await bot.stop()
    }

    /// Outside the volunteers' channel the bot would not see a quit, so it does not log anyone in there.
    @Test func aLoginOutsideTheChannelIsRefusedAndTheNickTakenOverGetsNothing() async throws {
        let server = try startNgircd(relaxedFlood: true)
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port, lineInterval: .milliseconds(20))
        let token = "token-\(UUID().uuidString)"
        try bot.store.addVolunteer(alias: "amina", languages: ["en"], ircAccount: nil, tokenHash: Digest.sha256Hex(token))
        let amina = try await IRCTestClient(nick: "amina_irc", port: server.port, loop: bot.loop)
        await amina.start()
        #expect(await amina.waitForWelcome())
        #expect(await amina.waitUntil { _ in bot.channel.status.inVolunteersChannel })
        try await amina.say("login \(token)")
        #expect(await amina.waitForPrivate { $0.hasPrefix("Refused: join #volunteers first") })
        #expect(bot.helpline.presence.nick(of: "amina") == nil)
        try await amina.send("QUIT :bye")
        await amina.close()
        let stranger = try await IRCTestClient(nick: "amina_irc", port: server.port, loop: bot.loop)
        await stranger.start()
        #expect(await stranger.waitUntil { await $0.received.contains { $0.command == "001" } })
        // Not in the volunteers' channel: "!list" is a worker's message, answered as one, and leaves no audit row.
        let audited = try bot.store.auditRecords().count
        try await stranger.say("!list")
        #expect(await stranger.waitForPrivate { !$0.isEmpty })
        let answers = await stranger.privateMessages.map(\.text)
        #expect(!answers.contains { $0.hasPrefix("Refused") }, "\(answers)")
        #expect(try bot.store.auditRecords().count == audited)
        await stranger.close()
        await bot.stop()
    }
}
