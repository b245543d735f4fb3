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

extension CaseFlowTests {
    /// 1,000 hostile worker texts (CR, LF, NUL, CTCP, bidi, colour codes), as another gateway would
    /// hand them in, relayed to the volunteer who holds the case, each followed by a canary. A
    /// second client in the volunteers' channel watches for anything the bot should not send.
    @Test func hostileWorkerTextsRelayedToAVolunteerSmuggleNothingAndWedgeNothing() async throws {
        let count = 1_000
        let server = try startNgircd(relaxedFlood: true)
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port, burst: 100, lineInterval: .milliseconds(1))
        let watcher = try await IRCTestClient(nick: "watcher", port: server.port, loop: bot.loop)
        await watcher.start()
        #expect(await watcher.waitForWelcome())
        try await watcher.send("JOIN #volunteers k3y")
        // A worker from the HTTP gateway asks for a person; the volunteer takes the case.
        let volunteer = try await Self.brunoHoldingACase(bot, port: server.port, worker: "+15550001111")

        let hostile = [
            "a\r\nJOIN #evil", "b\nQUIT :bye", "c\u{0}PRIVMSG watcher :forged", "\u{01}DCC SEND x 1 2 3\u{01}",
            "\r\nMODE #volunteers +o worker", "d\u{202E}reversed", "e\u{1B}[31mred\u{03}4colour", "\u{85}next\u{2028}line",
            ":prefix PRIVMSG #volunteers :fake", "\u{01}VERSION\u{01}",
        ]
        for index in 0..<count {
            let text = hostile[index % hostile.count] + " #\(index)"
            _ = try bot.helpline.receive(InboundMessage(channel: "http", messageID: "h-\(index)-x", address: "+15550001111", text: text))
            _ = try bot.helpline.receive(InboundMessage(channel: "http", messageID: "h-\(index)-c", address: "+15550001111", text: "canary-\(index)"))
        }
        let arrived = await volunteer.waitUntil(timeout: .seconds(120)) {
            await $0.privateMessages.contains { $0.text.hasSuffix("canary-\(count - 1)") }
        }
        #expect(arrived)
        let canaries = Set(await volunteer.privateMessages.compactMap { $0.text.split(separator: " ").last.map(String.init) }
            .filter { $0.hasPrefix("canary-") })
        #expect(canaries.count == count, "canaries missing: \(count - canaries.count)")
        // Nothing from the bot but PRIVMSGs to the volunteer; no control characters; the watcher
        // saw no forged line and no mode change.
        let fromBot = await volunteer.received.filter { $0.nick == "entraide" && $0.params.first != "#volunteers" }
        #expect(fromBot.allSatisfy { $0.command == "PRIVMSG" && $0.params.first == "bruno_irc" })
        #expect(fromBot.allSatisfy { !$0.params.last!.unicodeScalars.contains { $0.value < 0x20 || (0x80...0x9F).contains($0.value) || $0 == "\u{202E}" } })
        let seenByWatcher = await watcher.received.filter { $0.nick == "entraide" }
        #expect(seenByWatcher.allSatisfy { $0.command == "JOIN" || ($0.command == "PRIVMSG" && $0.params.first == "#volunteers" && !$0.params.last!.contains("fake")) })
        #expect(await watcher.received.allSatisfy { $0.command != "MODE" || $0.nick != "entraide" })
        // The worker's words never went to the channel.
        #expect(!seenByWatcher.contains { $0.params.last?.contains("canary") == true })
        await volunteer.close()
        await watcher.close()
        await bot.stop()
    }

    /// A worker's long text, relayed to the volunteer in several messages: the first starts with the case's
    /// prefix and every other with "… ", so no part can start with words that read as the bot's (issue #18,
    /// item 3: "Refused: your login expired. Send me login …" was a way to phish a volunteer's token).
    @Test func aLongRelayedTextNeverStartsAMessageWithTheWorkersWords() async throws {
        let server = try startNgircd(relaxedFlood: true)
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port, burst: 100, lineInterval: .milliseconds(1))
        let volunteer = try await Self.brunoHoldingACase(bot, port: server.port, worker: "+15550002222")
        let before = await volunteer.privateMessages.count

        let bait = String(repeating: "Refused: your login expired. Send me login 0123456789abcdef ", count: 40) + "END"
        _ = try bot.helpline.receive(InboundMessage(channel: "http", messageID: "p-1", address: "+15550002222", text: bait))
        #expect(await volunteer.waitUntil(timeout: .seconds(20)) { await $0.privateMessages.contains { $0.text.hasSuffix("END") } })
        let parts = await volunteer.privateMessages.dropFirst(before).map(\.text)
        #expect(parts.count >= 4, "\(parts.count) parts")
        #expect(parts.first?.hasPrefix("#1 w-") == true, "\(parts.first ?? "")")
        #expect(parts.dropFirst().allSatisfy { $0.hasPrefix("… ") }, "\(parts.map { $0.prefix(20) })")
        await volunteer.close()
        await bot.stop()
    }

    /// bruno, logged in on IRC, holding case #1: an HTTP worker at `worker` asked for a person.
    static func brunoHoldingACase(_ bot: RunningHelpline, port: Int, worker: String) async throws -> IRCTestClient {
        let token = "token-\(UUID().uuidString)"
        try bot.store.addVolunteer(alias: "bruno", languages: ["en"], ircAccount: nil, tokenHash: Digest.sha256Hex(token))
        let volunteer = try await IRCTestClient(nick: "bruno_irc", port: port, loop: bot.loop)
        await volunteer.start()
        #expect(await volunteer.waitForWelcome())
        #expect(await volunteer.waitUntil { _ in bot.channel.status.registered })
        #expect(try await volunteer.joinAndLogIn(token: token))
        _ = try bot.helpline.receive(InboundMessage(channel: "http", messageID: "h-0", address: worker, text: "human"))
        #expect(await volunteer.waitUntil { _ in ((try? bot.store.listCases().count) ?? 0) == 1 })
        try await volunteer.say("!claim 1")
        #expect(await volunteer.waitUntil { await $0.privateMessages.contains { $0.text.hasPrefix("You hold case #1") } })
        return volunteer
    }
}
