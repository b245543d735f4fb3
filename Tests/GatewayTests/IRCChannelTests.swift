import CaseTracker
import Foundation
import Gateway
import Helpline
import IRC
import IntentMatcher
import Logging
import TestSupport
import Testing
import Transport

/// A helpline with its IRC channel running in this process, against a real ngircd.
final class RunningHelpline: Sendable {
    let helpline: Helpline
    let store: CaseStore
    let loop: CurlEventLoop
    let channel: IRCChannel
    let task: Task<Void, any Error>

    /// Without the engine, tests put replies in the outbox themselves and nothing else answers.
    init(
        ircPort: Int, burst: Int = 4, lineInterval: Duration = .milliseconds(100), engine runsEngine: Bool = true,
        idleBeforePing: Duration = .seconds(5), pingTimeout: Duration = .seconds(5),
        policy: CasePolicy = CasePolicy(), remindEvery: Duration? = nil
    ) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-irc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "irc-test")
        logger.logLevel = .warning
        // NORMAL: these tests are about the channel; fsync at every commit only slows them down
        // (durability across crashes is tested on the store and the process).
        store = try CaseStore(path: directory.appendingPathComponent("store.sqlite").path, durability: .normal)
        let library = try AnswerLibrary(directory: repositoryRoot.appendingPathComponent("intents"), logger: logger)
        helpline = Helpline(
            store: store, library: library, pseudonymizer: Pseudonymizer(key: Array(repeating: 9, count: 32)),
            defaultLanguage: .en, logger: logger, policy: policy,
            volunteers: VolunteerRouting(channel: IRCChannel.channel, target: "#volunteers"))
        loop = try CurlEventLoop(logger: logger)
        let configuration = IRCChannelConfiguration(
            connection: LineOptions(host: "127.0.0.1", port: ircPort, connectTimeout: .seconds(2)),
            client: IRCClientConfiguration(
                channels: [.init(name: "#volunteers", key: "k3y")], idleBeforePing: idleBeforePing, pingTimeout: pingTimeout),
            burst: burst, lineInterval: lineInterval, reconnectBase: .milliseconds(100), reconnectCap: .milliseconds(800))
        let channel = IRCChannel(loop: loop, helpline: helpline, configuration: configuration, logger: logger)
        self.channel = channel
        let engine = EngineService(helpline: helpline)
        let current = helpline
        let reminders = remindEvery.map { ReminderService(helpline: current, checkEvery: $0) }
        task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await channel.run() }
                if runsEngine { group.addTask { try await engine.run() } }
                if let reminders { group.addTask { try await reminders.run() } }
                try await group.waitForAll()
            }
        }
    }

    func stop() async {
        task.cancel()
        _ = await task.result
        loop.shutdown()
    }

    /// Puts a reply in the outbox as the engine would, for `address` on IRC.
    func queueReply(_ text: String, to address: String, id: String) throws {
        let message = InboundMessage(channel: IRCChannel.channel, messageID: id, address: address, text: "(test)")
        guard case .stored(_, _) = try helpline.receive(message) else { return }
        // Mark the fake question processed with our reply, exactly as the engine commits it.
        let item = try #require(try store.pendingInbox().first { $0.channel == IRCChannel.channel })
        try store.complete(item, state: ConversationState(), replies: [text])
        helpline.outboxBell(for: IRCChannel.channel).ring()
    }
}

@Suite(.serialized, .enabled(if: ngircdPath() != nil, "ngircd is not installed: scripts/bootstrap installs it"))
struct IRCChannelTests {
    @Test func aWorkerSaysHelloByPrivateMessageAndGetsTheGreeting() async throws {
        let server = try startNgircd()
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port)
        let worker = try await IRCTestClient(nick: "worker1", port: server.port, loop: bot.loop)
        await worker.start()
        #expect(await worker.waitForWelcome())
        try await Task.sleep(for: .milliseconds(300))  // the bot registers in parallel
        try await worker.say("hello")
        #expect(await worker.waitUntil { await !$0.privateMessages.isEmpty })
        let reply = await worker.privateMessages.first
        #expect(reply?.from == "entraide")
        #expect(reply?.text.hasPrefix("Hi, welcome to Entraide") == true)
        await worker.close()
        await bot.stop()
    }

    @Test func aLongReplyArrivesWholeInOrderInValidLines() async throws {
        let server = try startNgircd()
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port, engine: false)
        let worker = try await IRCTestClient(nick: "worker2", port: server.port, loop: bot.loop)
        await worker.start()
        #expect(await worker.waitForWelcome())
        // 2,000+ bytes across scripts, with emoji and combining marks.
        let long = (0..<40).map { "Part \($0): évaluation rejetée مرفوض 👩🏽‍💻 é\u{301} " }.joined()
        #expect(long.utf8.count > 2000)
        try bot.queueReply(long, to: "worker2", id: "long-1")
        // Servers strip a message's trailing spaces, and chunks break at spaces: compare the words. Every part
        // after the first starts with "… " (a continued message).
        let words = long.split(separator: " ")
        let arrived = await worker.waitUntil {
            let parts = await $0.privateMessages.map(\.text)
            let text = parts.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst(2)) }
            return parts.dropFirst().allSatisfy { $0.hasPrefix("… ") } && text.joined(separator: " ").split(separator: " ") == words
        }
        #expect(arrived)
        let lines = await worker.privateMessages
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { ":entraide!~entraide@127.0.0.1 PRIVMSG worker2 :\($0.text)\r\n".utf8.count <= 512 })
        await worker.close()
        await bot.stop()
    }

    @Test func hostileRepliesSmuggleNoCommands() async throws {
        // The server's own flood limits are lifted: this test is about content, not pacing.
        let server = try startNgircd(relaxedFlood: true)
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port, lineInterval: .milliseconds(20), engine: false)
        let worker = try await IRCTestClient(nick: "worker3", port: server.port, loop: bot.loop)
        await worker.start()
        #expect(await worker.waitForWelcome())
        let hostile = [
            "a\r\nJOIN #evil", "b\nQUIT :bye", "c\u{0}PRIVMSG worker3 :forged", "\u{01}DCC SEND x 1 2 3\u{01}",
            "\r\nMODE entraide +o worker3", "d\u{202E}reversed\u{202C}", "e\u{1B}[31mred",
        ]
        for index in 0..<100 {
            try bot.queueReply(hostile[index % hostile.count] + " #\(index)", to: "worker3", id: "hostile-\(index)")
        }
        try bot.queueReply("canary-after-hostile", to: "worker3", id: "canary")
        #expect(await worker.waitUntil(timeout: .seconds(60)) { await $0.privateMessages.contains { $0.text.contains("canary-after-hostile") } })
        let received = await worker.received.filter { $0.nick == "entraide" }
        // Everything from the bot is a PRIVMSG to the worker; no forged command, no CTCP, no control character.
        #expect(received.allSatisfy { $0.command == "PRIVMSG" && $0.params.first == "worker3" })
        #expect(received.allSatisfy { !$0.params.last!.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{202E}" } })
        // Lines in a reply become separate messages (IRC has no line breaks): at least one per reply.
        #expect(received.count >= 101)
        await worker.close()
        await bot.stop()
    }

    /// 300 replies to workers who left the server (ERR_NOSUCHNICK) sit at the front of the outbox: a worker who
    /// writes now is still answered at once. They used to fill every page of 200 pending replies, so nothing
    /// behind them was ever fetched.
    @Test func repliesToDepartedWorkersDoNotBlockANewOne() async throws {
        let server = try startNgircd(relaxedFlood: true)
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port, burst: 100, lineInterval: .zero, engine: false)
        for index in 0..<300 {
            try bot.queueReply("reply to a worker who left #\(index)", to: "gone\(index)", id: "gone-\(index)")
        }
        let worker = try await IRCTestClient(nick: "fresh1", port: server.port, loop: bot.loop)
        await worker.start()
        #expect(await worker.waitForWelcome())
        // Let the bot try the departed ones first.
        try await Task.sleep(for: .seconds(1))
        let start = ContinuousClock.now
        try bot.queueReply("welcome, fresh worker", to: "fresh1", id: "fresh-1")
        #expect(await worker.waitUntil(timeout: .seconds(10)) { await $0.privateMessages.contains { $0.text == "welcome, fresh worker" } })
        let waited = ContinuousClock.now - start
        #expect(waited < .seconds(2), "answered after \(waited)")
        #expect(try bot.store.pendingOutbox(channel: IRCChannel.channel, limit: 1_000).count == 300, "the departed ones stay pending")
        await worker.close()
        await bot.stop()
    }

    /// A reply to a worker the server says is gone is not pushed to whoever takes the nick next: it waits until
    /// that nick writes to the bot again (before, it was tried every 3 s and the next holder got it).
    @Test func aDepartedWorkersReplyWaitsForTheNickToWriteAgain() async throws {
        let server = try startNgircd(relaxedFlood: true)
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port, burst: 100, lineInterval: .zero, engine: false)
        try bot.queueReply("your case is #12, a volunteer will write", to: "amina7", id: "amina-1")
        // amina7 is not on the server: the reply is refused (401) and held.
        try await Task.sleep(for: .seconds(1))
        let stranger = try await IRCTestClient(nick: "amina7", port: server.port, loop: bot.loop)
        await stranger.start()
        #expect(await stranger.waitForWelcome())
        let received = await stranger.waitUntil(timeout: .seconds(6)) { await !$0.privateMessages.isEmpty }
        #expect(!received, "the next holder of the nick, silent, gets nothing")
        // The nick writes: that is all IRC can tell of the worker being back, and the reply goes.
        try await stranger.say("hello?")
        #expect(await stranger.waitUntil(timeout: .seconds(5)) {
            await $0.privateMessages.contains { $0.text == "your case is #12, a volunteer will write" }
        })
        await stranger.close()
        await bot.stop()
    }

    @Test func aPublicQuestionGetsAnInvitationToWriteInPrivate() async throws {
        let server = try startNgircd()
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port)
        let worker = try await IRCTestClient(nick: "worker4", port: server.port, loop: bot.loop)
        await worker.start()
        #expect(await worker.waitForWelcome())
        // A public channel the bot is in: the volunteers' one will do (its key is the test's).
        try await worker.send("JOIN #volunteers k3y")
        // The bot is there: it joins after us (JOIN), or was there before us (in the NAMES list).
        #expect(await worker.waitUntil {
            await $0.received.contains {
                ($0.command == "JOIN" && $0.nick == "entraide")
                    || ($0.command == "353" && $0.params.last?.split(separator: " ").contains { $0.hasSuffix("entraide") } == true)
            }
        })
        try await worker.say("entraide: my HIT was rejected, help", to: "#volunteers")
        #expect(await worker.waitUntil {
            await $0.received.contains { $0.command == "PRIVMSG" && $0.params.first == "#volunteers" && $0.nick == "entraide" }
        })
        let invite = await worker.received.first { $0.command == "PRIVMSG" && $0.nick == "entraide" }
        #expect(invite?.params.last?.contains("/msg entraide") == true)
        #expect(invite?.params.last?.contains("rejected") == false)  // the worker's words are not repeated
        await worker.close()
        await bot.stop()
    }
}

@Suite(.serialized, .enabled(if: ngircdPath() != nil, "ngircd is not installed: scripts/bootstrap installs it"))
struct IRCResilienceTests {
    /// The server dies (SIGKILL) and comes back, again and again; a reply is queued while it is
    /// down each time. Every reply reaches the worker once: 0 lost, 0 doubled.
    @Test func serverKilledAndRestartedTwentyTimesLosesAndDoublesNothing() async throws {
        let rounds = 20
        var server = try startNgircd(relaxedFlood: true)
        let port = server.port
        let bot = try RunningHelpline(ircPort: port, lineInterval: .milliseconds(20), engine: false)
        var clients: [IRCTestClient] = []
        for round in 1...rounds {
            server.stop()
            try bot.queueReply("queued-while-down-\(round)", to: "survivor", id: "down-\(round)")
            server = try startNgircd(relaxedFlood: true, port: port)
            let worker = try await IRCTestClient(nick: "survivor", port: port, loop: bot.loop)
            await worker.start()
            clients.append(worker)
            // Whoever reconnects first wins a race: if the bot is back before the worker, its reply meets a 401
            // and waits for that nick to write again (a stranger may hold it next: IRCSession.heldBack). A
            // returning worker does write; so does this one, once registered.
            if await worker.waitForWelcome() { try await worker.say("back", to: "entraide") }
            let arrived = await worker.waitUntil(timeout: .seconds(30)) {
                await $0.privateMessages.contains { $0.text == "queued-while-down-\(round)" }
            }
            #expect(arrived, "round \(round): the reply queued while the server was down did not arrive")
            // The next kill comes after the bot has confirmed this delivery. Killing the server in
            // the round trip between a reply and its proof would make the bot send it again on
            // reconnect: at least once, never lost, is the promise in that window.
            let confirmed = await worker.waitUntil(timeout: .seconds(10)) { _ in
                (try? bot.store.pendingOutbox(channel: IRCChannel.channel).isEmpty) ?? false
            }
            #expect(confirmed)
        }
        try await Task.sleep(for: .milliseconds(500))  // anything sent twice would have arrived by now
        var seen: [String: Int] = [:]
        for client in clients {
            for message in await client.privateMessages { seen[message.text, default: 0] += 1 }
        }
        #expect((1...rounds).allSatisfy { seen["queued-while-down-\($0)"] == 1 }, "counts: \(seen)")
        #expect(try bot.store.pendingOutbox(channel: IRCChannel.channel).isEmpty)
        for client in clients { await client.close() }
        await bot.stop()
        server.stop()
    }

    /// The server frozen (SIGSTOP) for longer than the liveness deadline: the TCP connection stays
    /// open, so only the bot's own PING can tell the link is dead. It must notice within its idle
    /// time + PING timeout, keep what was queued meanwhile, and deliver it once after SIGCONT.
    @Test func aFrozenServerIsDetectedAndNothingQueuedIsLostOrDoubled() async throws {
        let server = try startNgircd(relaxedFlood: true)
        defer { server.stop() }
        let bot = try RunningHelpline(
            ircPort: server.port, lineInterval: .milliseconds(20), engine: false,
            idleBeforePing: .seconds(3), pingTimeout: .seconds(3))
        let worker = try await IRCTestClient(nick: "frozenworker", port: server.port, loop: bot.loop)
        await worker.start()
        #expect(await worker.waitForWelcome())
        #expect(await worker.waitUntil { _ in bot.channel.status.registered })
        // The link has been quiet a while when the server freezes (a server that dies within
        // the second after its last line leaves the unavoidable window: see docs/architecture.md).
        try await Task.sleep(for: .milliseconds(1_500))

        server.pause()
        let frozen = ContinuousClock.now
        try bot.queueReply("queued-while-frozen", to: "frozenworker", id: "frozen-1")
        // Deadline: idle 3 s + PING timeout 3 s, plus the timer's own granularity.
        let noticed = await worker.waitUntil(timeout: .seconds(15)) { _ in !bot.channel.status.registered }
        let detection = ContinuousClock.now - frozen
        #expect(noticed, "the bot still believes a frozen server is alive")
        #expect(detection < .seconds(10), "detection took \(detection)")
        // Frozen a while longer: reconnect attempts meet a server that accepts and never answers.
        try await Task.sleep(for: .seconds(5))
        server.resume()

        let arrived = await worker.waitUntil(timeout: .seconds(60)) {
            await $0.privateMessages.contains { $0.text == "queued-while-frozen" }
        }
        #expect(arrived, "the reply queued while the server was frozen did not arrive")
        #expect(await worker.waitUntil(timeout: .seconds(15)) { _ in
            (try? bot.store.pendingOutbox(channel: IRCChannel.channel).isEmpty) ?? false
        })
        try await Task.sleep(for: .milliseconds(500))
        #expect(await worker.privateMessages.filter { $0.text == "queued-while-frozen" }.count == 1)
        print("frozen server: dead link noticed after \(detection); reply delivered once after SIGCONT")
        await worker.close()
        await bot.stop()
    }

    /// Replies queued at once under ngircd's default flood limits (about a command a second per
    /// client): paced by the bot's default token bucket (burst 4, then 1 line/s), the bot is never
    /// disconnected and everything arrives, in order per worker. 200 replies take over three
    /// minutes, so the suite queues 20 and `ENTRAIDE_LONG_TESTS=1` (scripts/prove) queues 200.
    @Test func queuedRepliesUnderDefaultFloodLimitsCauseNoDisconnect() async throws {
        let total = ProcessInfo.processInfo.environment["ENTRAIDE_LONG_TESTS"] == "1" ? 200 : 20
        let server = try startNgircd()
        defer { server.stop() }
        let bot = try RunningHelpline(
            ircPort: server.port, burst: 4, lineInterval: .seconds(1), engine: false, idleBeforePing: .seconds(60),
            pingTimeout: .seconds(30))
        let workers = ["alice", "bruno", "chiara", "dina"]
        var clients: [IRCTestClient] = []
        for nick in workers {
            let client = try await IRCTestClient(nick: nick, port: server.port, loop: bot.loop)
            await client.start()
            #expect(await client.waitForWelcome())
            clients.append(client)
        }
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<total {
            try bot.queueReply("reply-\(index)", to: workers[index % workers.count], id: "flood-\(index)")
        }
        for (offset, client) in clients.enumerated() {
            let expected = (0..<total).filter { $0 % workers.count == offset }.map { "reply-\($0)" }
            let arrived = await client.waitUntil(timeout: .seconds(Double(total) * 2 + 30)) {
                await $0.privateMessages.map(\.text) == expected
            }
            #expect(arrived, "\(client.nick) did not get its replies in order")
        }
        let elapsed = clock.now - start
        // Written to the log for the benchmark notes; not an assertion about speed.
        print("irc.flood: \(total) queued replies delivered in \(elapsed) under ngircd default limits")
        // The proof of delivery (a PING after the last line) is paced like any line.
        let confirmed = await clients[0].waitUntil(timeout: .seconds(10)) { _ in
            (try? bot.store.pendingOutbox(channel: IRCChannel.channel).isEmpty) ?? false
        }
        #expect(confirmed)
        for client in clients { await client.close() }
        await bot.stop()
    }
}

extension IRCChannelTests {
    @Test func onNgircdOnlyWhatItOffersIsNegotiatedAndEverythingStillWorks() async throws {
        let server = try startNgircd()
        defer { server.stop() }
        let bot = try RunningHelpline(ircPort: server.port)
        let worker = try await IRCTestClient(nick: "worker7", port: server.port, loop: bot.loop)
        await worker.start()
        #expect(await worker.waitForWelcome())
        #expect(await worker.waitUntil { _ in bot.channel.status.registered })
        // ngircd 26 offers only multi-prefix, which the bot does not ask for.
        #expect(bot.channel.status.capabilities.isEmpty)
        try await worker.say("bonjour")
        #expect(await worker.waitUntil { await $0.privateMessages.contains { $0.text.hasPrefix("Bonjour et bienvenue") } })
        await worker.close()
        await bot.stop()
    }
}
