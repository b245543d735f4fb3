import Testing
@testable import IRC

/// The client state machine, driven with parsed lines and an advancing `now`: no server, no sleep.
@Suite struct IRCClientTests {
    let t0 = ContinuousClock.now

    private func line(_ text: String) -> IRCClient.Event {
        .received(try! IRCMessage.parse(text))
    }

    private func sent(_ actions: [IRCClient.Action]) -> [String] {
        actions.compactMap { if case .send(let message) = $0 { message.serialize() } else { nil } }
    }

    private func registered(_ configuration: IRCClientConfiguration = IRCClientConfiguration()) -> IRCClient {
        var client = IRCClient(configuration: configuration)
        _ = client.handle(.connected, now: t0)
        _ = client.handle(line(":irc.test CAP * LS :multi-prefix"), now: t0)
        _ = client.handle(line(":irc.test 001 entraide :Welcome"), now: t0)
        return client
    }

    @Test func registrationStartsWithCapLSAndSendsNothingElseBefore001() {
        var client = IRCClient(configuration: IRCClientConfiguration(nick: "bot"))
        let opening = sent(client.handle(.connected, now: t0))
        #expect(opening == ["CAP LS 302", "NICK bot", "USER entraide 0 * :Entraide helpline (write to me in private)"])
        // A private message before 001 is not acted on.
        #expect(client.handle(line(":x!y@z PRIVMSG bot :hello"), now: t0).isEmpty)
    }

    @Test func requestsOnlyWhatTheServerOffersAndEndsNegotiation() {
        var client = IRCClient(configuration: IRCClientConfiguration())
        _ = client.handle(.connected, now: t0)
        let first = sent(client.handle(line(":irc.test CAP * LS * :message-tags server-time sasl=PLAIN"), now: t0))
        #expect(first.isEmpty)  // more to come
        let request = sent(client.handle(line(":irc.test CAP * LS :account-tag echo-message"), now: t0))
        // sasl is offered but no credentials are configured; echo-message is not wanted.
        #expect(request == ["CAP REQ :message-tags server-time account-tag"])
        let end = sent(client.handle(line(":irc.test CAP * ACK :message-tags server-time account-tag"), now: t0))
        #expect(end == ["CAP END"])
        #expect(client.capabilities == ["message-tags", "server-time", "account-tag"])
    }

    @Test func saslPlainAuthenticatesThenEndsNegotiation() {
        var client = IRCClient(configuration: IRCClientConfiguration(saslAccount: "bot", saslPassword: "s3cret"))
        _ = client.handle(.connected, now: t0)
        #expect(sent(client.handle(line(":s CAP * LS :sasl"), now: t0)) == ["CAP REQ sasl"])
        #expect(sent(client.handle(line(":s CAP * ACK :sasl"), now: t0)) == ["AUTHENTICATE PLAIN"])
        #expect(sent(client.handle(line("AUTHENTICATE +"), now: t0)) == ["AUTHENTICATE Ym90AGJvdABzM2NyZXQ="])
        #expect(sent(client.handle(line(":s 903 * :SASL authentication successful"), now: t0)) == ["CAP END"])
    }

    @Test func saslFailureIsReportedAndRegistrationGoesOn() {
        var client = IRCClient(configuration: IRCClientConfiguration(saslAccount: "bot", saslPassword: "wrong"))
        _ = client.handle(.connected, now: t0)
        _ = client.handle(line(":s CAP * LS :sasl"), now: t0)
        _ = client.handle(line(":s CAP * ACK :sasl"), now: t0)
        let actions = client.handle(line(":s 904 * :SASL authentication failed"), now: t0)
        #expect(sent(actions) == ["CAP END"])
        #expect(actions.contains { if case .warning = $0 { true } else { false } })
    }

    @Test(arguments: [(10, 1), (297, 1), (299, 1), (300, 1), (301, 2)])
    func saslPayloadIsChunkedIn400Characters(payloadBytes: Int, lines: Int) {
        // account \0 account \0 password: 2 × 3 + 2 bytes around a password of the rest.
        let password = String(repeating: "p", count: payloadBytes - 8)
        let chunks = SASLPlain.authenticateLines(account: "bot", password: password)
        // 298–300 bytes encode to exactly 400 base64 characters: a lone "+" must follow.
        let exact = (payloadBytes + 2) / 3 * 4 == 400
        #expect(chunks.count == lines + (exact ? 1 : 0))
        #expect(chunks.dropLast(exact ? 1 : 0).dropLast().allSatisfy { $0.count == 400 })
        if exact { #expect(chunks.last == "+") }
    }

    @Test func nickInUseTriesTheFallbacksInOrder() {
        var client = IRCClient(configuration: IRCClientConfiguration(nick: "entraide", fallbackNicks: ["entraide_"]))
        _ = client.handle(.connected, now: t0)
        #expect(sent(client.handle(line(":s 433 * entraide :Nickname is already in use"), now: t0)) == ["NICK entraide_"])
        #expect(sent(client.handle(line(":s 432 * entraide_ :Erroneous nickname"), now: t0)) == ["NICK entrai2"])
        let done = client.handle(line(":s 001 entrai2 :Welcome"), now: t0)
        #expect(done.contains(.registered(nick: "entrai2")))
        #expect(client.nick == "entrai2")
    }

    @Test func joinsTheVolunteersChannelWithItsKeyAfter001() {
        let configuration = IRCClientConfiguration(channels: [.init(name: "#volunteers", key: "k3y")])
        var client = IRCClient(configuration: configuration)
        _ = client.handle(.connected, now: t0)
        _ = client.handle(line(":s CAP * LS :multi-prefix"), now: t0)
        let actions = sent(client.handle(line(":s 001 entraide :Welcome"), now: t0))
        #expect(actions.contains("JOIN #volunteers k3y"))
    }

    @Test func answersServerPingWithPong() {
        var client = registered()
        #expect(sent(client.handle(line("PING :irc.test"), now: t0)) == ["PONG irc.test"])
    }

    @Test func pingsWhenIdleAndDisconnectsWhenUnanswered() {
        var client = registered(IRCClientConfiguration(idleBeforePing: .seconds(60), pingTimeout: .seconds(30)))
        #expect(client.handle(.tick, now: t0 + .seconds(59)).isEmpty)
        #expect(sent(client.handle(.tick, now: t0 + .seconds(60))) == ["PING entraide-1"])
        #expect(client.handle(.tick, now: t0 + .seconds(89)).isEmpty)
        let dead = client.handle(.tick, now: t0 + .seconds(90))
        #expect(dead.contains { if case .disconnect = $0 { true } else { false } })
    }

    @Test func anyLineProvesTheLinkAlive() {
        var client = registered(IRCClientConfiguration(idleBeforePing: .seconds(60), pingTimeout: .seconds(30)))
        _ = client.handle(.tick, now: t0 + .seconds(60))
        #expect(client.handle(line(":s PONG s :entraide-1"), now: t0 + .seconds(61)) == [.pong(token: "entraide-1")])
        #expect(client.handle(.tick, now: t0 + .seconds(100)).isEmpty)
    }

    @Test func privateMessagesAreWorkersAndCarryTheirAccount() {
        var client = registered()
        let actions = client.handle(line("@account=maria;msgid=abc :maria!m@h PRIVMSG entraide :my HIT was rejected"), now: t0)
        #expect(actions == [.privateMessage(from: "maria", account: "maria", text: "my HIT was rejected", messageID: "abc")])
    }

    @Test func inAPublicChannelOnlyAddressingTheBotCounts() {
        var client = registered()
        #expect(
            client.handle(line(":maria!m@h PRIVMSG #lobby :entraide: can you help?"), now: t0)
                == [.addressedInChannel(channel: "#lobby", from: "maria", text: "entraide: can you help?")])
        #expect(
            client.handle(line(":maria!m@h PRIVMSG #lobby :entraidesque is a word"), now: t0)
                == [.channelMessage(channel: "#lobby", from: "maria", account: nil, text: "entraidesque is a word")])
    }

    @Test func ctcpVersionAndPingAreAnsweredByNoticeAndRateLimited() {
        var client = registered()
        let version = sent(client.handle(line(":x!y@z PRIVMSG entraide :\u{01}VERSION\u{01}"), now: t0))
        #expect(version == ["NOTICE x :\u{01}VERSION Entraide helpline bot\u{01}"])
        let ping = sent(client.handle(line(":x!y@z PRIVMSG entraide :\u{01}PING 123\u{01}"), now: t0))
        #expect(ping == ["NOTICE x :\u{01}PING 123\u{01}"])
        // A flood gets at most the bucket's capacity of answers.
        var answered = 0
        for _ in 0..<50 { answered += sent(client.handle(line(":x!y@z PRIVMSG entraide :\u{01}VERSION\u{01}"), now: t0)).count }
        #expect(answered <= 1)
    }

    @Test func dccAndNoticesGetNoReply() {
        var client = registered()
        #expect(client.handle(line(":x!y@z PRIVMSG entraide :\u{01}DCC SEND file 1 2 3\u{01}"), now: t0).isEmpty)
        #expect(client.handle(line(":x!y@z NOTICE entraide :hello"), now: t0).isEmpty)
        #expect(client.handle(line(":x!y@z NOTICE entraide :\u{01}VERSION\u{01}"), now: t0).isEmpty)
    }
}

@Suite struct FloodControlTests {
    let t0 = ContinuousClock.now

    @Test func bucketAllowsABurstThenOneLinePerInterval() {
        var bucket = TokenBucket(capacity: 4, refillEvery: .seconds(1))
        var taken = 0
        for _ in 0..<4 where bucket.take(now: t0) { taken += 1 }
        #expect(taken == 4)
        // (mutating calls are made outside #expect, which cannot call them)
        let fifth = bucket.take(now: t0)
        let wait = bucket.wait(now: t0)
        let early = bucket.take(now: t0 + .milliseconds(999))
        let onTime = bucket.take(now: t0 + .milliseconds(1000))
        #expect(!fifth)
        #expect(wait == .seconds(1))
        #expect(!early)
        #expect(onTime)
    }

    @Test func fairQueueServesRecipientsInTurn() {
        var queue = FairQueue<String>()
        for index in 1...5 { queue.append("long-\(index)", for: "alice") }
        queue.append("short-1", for: "bob")
        queue.append("short-1", for: "carol")
        var order: [String] = []
        while let item = queue.next() { order.append(item) }
        #expect(order.prefix(3) == ["long-1", "short-1", "short-1"])
        #expect(order.filter { $0.hasPrefix("long") } == (1...5).map { "long-\($0)" })
    }
}

/// The volunteers' channel as the client sees it: joins confirmed or refused, tried again with a
/// growing delay, who is in it, who leaves, which account each member has.
@Suite struct IRCClientChannelTests {
    let t0 = ContinuousClock.now

    private func line(_ text: String) -> IRCClient.Event { .received(try! IRCMessage.parse(text)) }

    private func sent(_ actions: [IRCClient.Action]) -> [String] {
        actions.compactMap { if case .send(let message) = $0 { message.serialize() } else { nil } }
    }

    private func registered() -> (IRCClient, [IRCClient.Action]) {
        var client = IRCClient(configuration: IRCClientConfiguration(channels: [.init(name: "#vol", key: "k3y")]))
        _ = client.handle(.connected, now: t0)
        _ = client.handle(line(":s CAP * LS :multi-prefix"), now: t0)
        let actions = client.handle(line(":s 001 entraide :Welcome"), now: t0)
        return (client, actions)
    }

    @Test func joinsWithTheKeyAndReportsTheJoinOnlyWhenTheServerConfirmsIt() {
        var (client, actions) = registered()
        #expect(sent(actions) == ["JOIN #vol k3y"])
        #expect(!client.joinedChannels.contains("#vol"))
        let joined = client.handle(line(":entraide!bot@h JOIN #vol"), now: t0)
        #expect(joined == [.joinedChannel("#vol")])
        #expect(client.joinedChannels == ["#vol"])
        // Confirmed: no more JOINs on later ticks.
        #expect(sent(client.handle(.tick, now: t0 + .seconds(600))).filter { $0.hasPrefix("JOIN") }.isEmpty)
    }

    @Test func aRefusedJoinIsReportedWithTheServersReasonAndTriedAgainLaterAndLater() {
        var (client, _) = registered()
        let refused = client.handle(line(":s 475 entraide #vol :Cannot join channel (+k) - bad key"), now: t0)
        #expect(refused == [.channelJoinRefused(channel: "#vol", reason: "475 Cannot join channel (+k) - bad key")])
        // Not before the delay, then once; the next refusal waits twice as long.
        #expect(sent(client.handle(.tick, now: t0 + .seconds(4))).filter { $0.hasPrefix("JOIN") }.isEmpty)
        let first = t0 + .seconds(11)
        #expect(sent(client.handle(.tick, now: first)).filter { $0.hasPrefix("JOIN") } == ["JOIN #vol k3y"])
        _ = client.handle(line(":s 473 entraide #vol :Cannot join channel (+i)"), now: first)
        #expect(sent(client.handle(.tick, now: first + .seconds(11))).filter { $0.hasPrefix("JOIN") }.isEmpty)
        #expect(sent(client.handle(.tick, now: first + .seconds(21))).filter { $0.hasPrefix("JOIN") } == ["JOIN #vol k3y"])
        #expect(IRCClient.joinDelay(attempt: 20) == .seconds(300))
    }

    /// The same numerics refuse a message to a channel the bot is in (InspIRCd +R, +M, +z): that is a message
    /// not delivered, not a JOIN refused.
    @Test func aMessageRefusedInAJoinedChannelIsUndeliverableNotAJoinRefusal() {
        var (client, _) = registered()
        _ = client.handle(line(":entraide!bot@h JOIN #vol"), now: t0)
        for numeric in ["477", "489"] {
            let refused = client.handle(line(":s \(numeric) entraide #vol :Cannot send to channel"), now: t0)
            #expect(refused == [.undeliverable(target: "#vol")])
        }
        #expect(client.joinedChannels == ["#vol"])
        #expect(client.handle(line(":s 404 entraide #vol :Cannot send to channel (+n)"), now: t0) == [.undeliverable(target: "#vol")])
    }

    @Test func aKickIsLeavingTheChannelAndTheClientRejoins() {
        var (client, _) = registered()
        _ = client.handle(line(":entraide!bot@h JOIN #vol"), now: t0)
        let kicked = client.handle(line(":op!o@h KICK #vol entraide :out"), now: t0)
        #expect(kicked == [.leftChannel(channel: "#vol", reason: "kicked by op: out")])
        #expect(client.joinedChannels.isEmpty)
        #expect(sent(client.handle(.tick, now: t0 + .seconds(6))).filter { $0.hasPrefix("JOIN") } == ["JOIN #vol k3y"])
    }

    @Test func membersComeFromNamesAndLeaveByPartKickOrQuit() {
        var (client, _) = registered()
        _ = client.handle(line(":entraide!bot@h JOIN #vol"), now: t0)
        #expect(client.handle(line(":s 353 entraide = #vol :@entraide amina +bruno"), now: t0).isEmpty)
        #expect(client.handle(line(":s 353 entraide = #vol :%chen"), now: t0).isEmpty)
        #expect(client.handle(line(":s 366 entraide #vol :End of NAMES"), now: t0) == [.channelMembers(channel: "#vol", nicks: ["amina", "bruno", "chen"])])
        #expect(client.handle(line(":amina!a@h PART #vol :bye"), now: t0) == [.memberLeft(channel: "#vol", nick: "amina")])
        #expect(client.handle(line(":op!o@h KICK #vol bruno :spam"), now: t0) == [.memberLeft(channel: "#vol", nick: "bruno")])
        #expect(client.handle(line(":chen!c@h QUIT :gone"), now: t0) == [.userQuit(nick: "chen")])
    }

    @Test func extendedJoinAndAccountNotifyCarryTheServicesAccount() {
        var (client, _) = registered()
        #expect(client.handle(line(":amina!a@h JOIN #vol amina_acct :Amina"), now: t0)
            == [.memberJoined(channel: "#vol", nick: "amina", account: "amina_acct")])
        #expect(client.handle(line(":bruno!b@h JOIN #vol * :Bruno"), now: t0) == [.memberJoined(channel: "#vol", nick: "bruno", account: nil)])
        #expect(client.handle(line(":chen!c@h JOIN #vol"), now: t0) == [.memberJoined(channel: "#vol", nick: "chen", account: nil)])
        #expect(client.handle(line(":amina!a@h ACCOUNT *"), now: t0) == [.accountChanged(nick: "amina", account: nil)])
        #expect(client.handle(line(":bruno!b@h ACCOUNT bruno_acct"), now: t0) == [.accountChanged(nick: "bruno", account: "bruno_acct")])
    }

    @Test func aLostConnectionForgetsTheChannels() {
        var (client, _) = registered()
        _ = client.handle(line(":entraide!bot@h JOIN #vol"), now: t0)
        client.connectionLost()
        #expect(client.joinedChannels.isEmpty)
    }
}
