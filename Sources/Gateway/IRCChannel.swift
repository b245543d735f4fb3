import CaseTracker
import Foundation
import Synchronization
public import Helpline
public import IRC
import IntentMatcher
public import Logging
public import ServiceLifecycle
public import Transport

/// How the IRC channel connects and paces itself.
public struct IRCChannelConfiguration: Sendable {
    public var connection: LineOptions
    public var client: IRCClientConfiguration
    /// Lines sent at once before pacing starts, then one every `lineInterval` (ngircd and
    /// InspIRCd both disconnect or penalise clients that send faster).
    public var burst: Int
    public var lineInterval: Duration
    public var reconnectBase: Duration
    public var reconnectCap: Duration

    public init(
        connection: LineOptions, client: IRCClientConfiguration = IRCClientConfiguration(), burst: Int = 4,
        lineInterval: Duration = .seconds(1), reconnectBase: Duration = .milliseconds(500),
        reconnectCap: Duration = .seconds(60)
    ) {
        self.connection = connection
        self.client = client
        self.burst = burst
        self.lineInterval = lineInterval
        self.reconnectBase = reconnectBase
        self.reconnectCap = reconnectCap
    }
}

/// Workers write to the bot by private message on an IRC server; the bot answers the same way.
///
/// A `Service`: connects through the libcurl line connection, registers, reads lines into the
/// inbox, and sends the outbox paced by a token bucket and fair between workers. A reply is marked
/// delivered only when the server has answered a PING sent after it: servers handle a client's
/// lines in order, so the PONG proves the reply was relayed. On a dead link it reconnects with
/// capped, jittered backoff, and what was not confirmed is sent again.
public final class IRCChannel: Service, Sendable {
    public static let channel = "irc"

    private let loop: CurlEventLoop
    private let helpline: Helpline
    private let configuration: IRCChannelConfiguration
    private let logger: Logger
    private let state = Mutex(IRCChannelStatus())

    /// Where the channel stands now: for health reports, logs and tests.
    public var status: IRCChannelStatus { state.withLock { $0 } }

    public init(loop: CurlEventLoop, helpline: Helpline, configuration: IRCChannelConfiguration, logger: Logger) {
        self.loop = loop
        self.helpline = helpline
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        var backoff = Backoff(base: configuration.reconnectBase, cap: configuration.reconnectCap)
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let started = ContinuousClock.now
            do {
                try await cancelWhenGracefulShutdown { try await self.session() }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("irc.disconnected", metadata: ["irc.reason": "\(error)"])
            }
            // A connection that lasted a while was a success: start the backoff afresh.
            if ContinuousClock.now - started > .seconds(30) { backoff.reset() }
            let delay = backoff.nextDelay(using: &random)
            logger.info("irc.reconnecting", metadata: ["irc.delay_ms": "\(delay.curlMillisecondsForLog)"])
            try? await Task.sleep(for: delay)
        }
    }

    private func session() async throws {
        let connection = try await loop.connectLine(configuration.connection)
        defer {
            connection.close()
            // Volunteers' logins were bound to nicks on this connection: they end with it.
            helpline.presence.forgetAll()
        }
        logger.info("irc.connected", metadata: ["irc.server": "\(configuration.connection.host):\(configuration.connection.port)"])
        let session = IRCSession(
            connection: connection, helpline: helpline, configuration: configuration, logger: logger
        ) { [self] status in self.state.withLock { $0 = status } }
        defer { state.withLock { $0 = IRCChannelStatus() } }
        try await session.start()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await session.readLoop() }
            group.addTask { try await session.writeLoop() }
            // Whichever ends first (the link died, or we were cancelled) ends the session.
            try await group.next()
            group.cancelAll()
        }
    }
}

/// Whether the bot is registered, under which nick, with which capabilities, and whether volunteers
/// can hear it: for the health endpoint, which tells the operator what to fix.
public struct IRCChannelStatus: Sendable, Equatable {
    public var registered = false
    public var nick: String?
    public var capabilities: Set<String> = []
    /// The volunteers' channel, when one is configured, and whether the bot is in it.
    public var volunteersChannel: String?
    public var inVolunteersChannel = false
    /// Why the bot is not in it (the server's refusal), until it is.
    public var volunteersChannelProblem: String?
    /// The last announcement the server refused, until one gets through.
    public var announcementProblem: String?

    /// What stops volunteers from hearing about cases, in words an operator can act on; empty when nothing.
    public var problems: [String] {
        var problems: [String] = []
        if !registered { problems.append("not connected to the IRC server") }
        if registered, let channel = volunteersChannel, !inVolunteersChannel {
            problems.append(
                "not in the volunteers' channel \(channel)"
                    + (volunteersChannelProblem.map { " (\($0)): check irc.volunteers_channel and its key" } ?? " (joining)"))
        }
        if let announcementProblem { problems.append(announcementProblem) }
        return problems
    }
}

/// One connection's state: the client machine, the send queue and the replies awaiting proof.
actor IRCSession {
    /// What a line belongs to: its last line's proof marks the source delivered.
    private enum Source: Sendable {
        case outbox(OutboxItem)
        /// An announcement, and the nick or channel its lines went to.
        case announcement(Int64, sentTo: String)
        /// A direct answer (to a volunteer's command, an invitation): not stored, nothing to mark.
        case none
    }

    private struct Chunk: Sendable {
        let source: Source
        let target: String
        let text: String
        let isLast: Bool
    }

    private let connection: LineConnection
    private let helpline: Helpline
    private let configuration: IRCChannelConfiguration
    private let logger: Logger
    private var client: IRCClient
    private var queue = FairQueue<Chunk>()
    private var bucket: TokenBucket
    /// Outbox rows and announcements whose lines are queued or sent, so they are not queued twice.
    private var inFlight: Set<Int64> = []
    private var announcementsInFlight: Set<Int64> = []
    /// Sources fully sent, waiting for the PONG that proves it, by PING token.
    private var awaitingProof: [String: [Source]] = [:]
    private var sentSinceProof: [Source] = []
    /// When the oldest of `sentSinceProof` was sent.
    private var unprovenSince: ContinuousClock.Instant?
    private var proofCounter = 0
    /// A proof is asked for after this many items sent, or once the oldest unproven one is `proofWithin` old,
    /// not only when the queue runs dry: under a steady load it never does, and every reply sent since the last
    /// proof was sent again after a crash. Measured with scripts/crash_irc.py (2,000 questions, 6 kills, all
    /// sent at once): 25.5% of replies doubled with a proof only when the queue ran dry, 1.6% with one every 8
    /// items, 1.0% with one every 4 (docs/proofs.md).
    static let proofEvery = 4
    /// At most this many items sent and not yet proven: past it the bot waits for PONGs before it sends more.
    /// Without a bound a burst could run hundreds of lines ahead of the server's answers, and a kill then sent
    /// them all again (crash_irc.py: now and then 80–101 doubled in a run instead of about 20).
    static let maximumUnproven = 32
    /// Whether sending stopped at `maximumUnproven`: the next proof must wake the writer.
    private var waitingForProof = false
    private var proofWithin: Duration { max(.milliseconds(100), configuration.lineInterval * 2) }
    /// When the server last sent us a line, and the PING that must come back before stored
    /// replies go out after a silence (see `pump`).
    private var lastHeard = ContinuousClock.now
    private var livenessProbe: String?
    /// A server silent this long must prove it is alive before stored replies are sent to it.
    static let provenAliveWithin = Duration.seconds(1)
    private let desk: VolunteerDesk
    private var closing: String?
    /// Targets the server could not reach since the last proof, and when each may be tried again.
    private var unreachable: Set<String> = []
    private var retryAt: [String: ContinuousClock.Instant] = [:]
    /// Workers the server said are not there (401), by address (nick, lowercased) → pseudonym: their replies
    /// are not even fetched until that nick writes to the bot again. Not retried on a timer: whoever takes the
    /// nick next must not receive a departed worker's replies just by holding it (they would still, by writing
    /// from it: the pseudonym is the nick's; only services accounts tell two holders apart). Per connection:
    /// after a reconnect of the bot each is tried once more. Given up after `delivery.give_up_after_hours`.
    private var heldBack: [String: String] = [:]
    /// Whether the last look at the outbox filled a page: more may wait behind it.
    private var pageWasFull = false
    /// An announcement's target that could not be reached is tried again after this long.
    static let retryUnreachableAfter = Duration.seconds(3)

    private let report: @Sendable (IRCChannelStatus) -> Void
    private var status = IRCChannelStatus()
    /// Who is in the volunteers' channel: a token login needs its nick there.
    private var roster = VolunteerChannelRoster()
    /// Prefix of an announcement's target that names a volunteer rather than a nick: resolved to
    /// their current nick only when it is sent, so their words follow them and never reach a stranger.
    private var volunteersChannel: String? { configuration.client.channels.first?.name }

    init(
        connection: LineConnection, helpline: Helpline, configuration: IRCChannelConfiguration, logger: Logger,
        report: @escaping @Sendable (IRCChannelStatus) -> Void
    ) {
        self.report = report
        self.connection = connection
        self.helpline = helpline
        self.configuration = configuration
        self.logger = logger
        self.client = IRCClient(configuration: configuration.client)
        self.desk = VolunteerDesk(helpline: helpline)
        self.bucket = TokenBucket(capacity: configuration.burst, refillEvery: configuration.lineInterval)
        self.status.volunteersChannel = configuration.client.channels.first?.name
    }

    private func publish(_ change: (inout IRCChannelStatus) -> Void) {
        let before = status
        change(&status)
        if status != before { report(status) }
    }

    func start() async throws {
        try await perform(client.handle(.connected, now: .now))
    }

    func readLoop() async throws {
        while !Task.isCancelled {
            let line = try await connection.readLine(timeout: .seconds(1))
            if let line {
                lastHeard = .now
                guard let message = try? IRCMessage.parse(line) else {
                    logger.debug("irc.unparsable_line")
                    continue
                }
                try await perform(client.handle(.received(message), now: .now))
            } else {
                try await perform(client.handle(.tick, now: .now))
            }
            if let closing { throw TransportError(.connectionClosed, detail: closing) }
        }
    }

    func writeLoop() async throws {
        let bell = helpline.outboxBell(for: IRCChannel.channel)
        while !Task.isCancelled {
            let wait = try await pump()
            await bell.wait(timeout: wait)
        }
    }

    /// Queues new outbox rows and sends what the bucket allows. Returns how long to wait.
    private func pump() async throws -> Duration {
        guard client.isRegistered else { return .seconds(1) }
        let start = ContinuousClock.now
        retryAt = retryAt.filter { $0.value > start }
        let page = try helpline.store.pendingOutbox(channel: IRCChannel.channel, limit: 200, excluding: Set(heldBack.values))
        pageWasFull = page.count == 200
        for item in page where !inFlight.contains(item.id) && retryAt[item.address] == nil {
            enqueue(item)
        }
        for notice in try helpline.store.pendingAnnouncements(channel: IRCChannel.channel)
        where !announcementsInFlight.contains(notice.id) && retryAt[notice.target.lowercased()] == nil {
            guard let target = try resolve(notice) else { continue }
            announcementsInFlight.insert(notice.id)
            enqueue(notice.text, to: target, source: .announcement(notice.id, sentTo: target))
        }
        // Lines written to a server that has stopped (frozen, or dying) are not lost: it may read
        // them when it comes back, after we have given up on the link and will send them again
        // on the next one. So after a silence, ask first: a PONG proves the server is reading now.
        // An answer to a question needs no probe (the question itself was just heard).
        if !queue.isEmpty, sentSinceProof.isEmpty, ContinuousClock.now - lastHeard > Self.provenAliveWithin {
            if livenessProbe == nil {
                proofCounter += 1
                let token = "entraide-live-\(proofCounter)"
                livenessProbe = token
                try await connection.send(try IRCMessage(command: "PING", params: [token]).serialize())
            }
            return .seconds(1)
        }
        while !queue.isEmpty || !sentSinceProof.isEmpty {
            let now = ContinuousClock.now
            let wait = bucket.wait(now: now)
            guard wait == .zero else { return wait }
            let windowFull = sentSinceProof.count + awaitingProof.values.reduce(0) { $0 + $1.count } >= Self.maximumUnproven
            if windowFull && sentSinceProof.isEmpty {
                waitingForProof = true
                return .seconds(1)  // the next PONG rings the bell
            }
            _ = bucket.take(now: now)
            let proofDue = !sentSinceProof.isEmpty
                && (windowFull || sentSinceProof.count >= Self.proofEvery
                    || unprovenSince.map { now - $0 >= proofWithin } == true)
            if !proofDue, let chunk = queue.next() {
                try await connection.send(privmsg(to: chunk.target, chunk.text).serialize())
                if chunk.isLast {
                    switch chunk.source {
                    case .outbox, .announcement:
                        if sentSinceProof.isEmpty { unprovenSince = now }
                        sentSinceProof.append(chunk.source)
                    case .none: break
                    }
                }
            } else {
                // Everything queued is sent, or enough has gone unproven: ask for proof that the server has
                // relayed it.
                proofCounter += 1
                let token = "entraide-ack-\(proofCounter)"
                awaitingProof[token] = sentSinceProof
                sentSinceProof = []
                unprovenSince = nil
                try await connection.send(try IRCMessage(command: "PING", params: [token]).serialize())
            }
        }
        return retryAt.isEmpty ? .seconds(5) : Self.retryUnreachableAfter
    }

    /// Where an announcement goes now, or nil to hold it (the bot is not in the channel yet) or set it
    /// aside (the volunteer it was for is no longer logged in: no one else may read it).
    private func resolve(_ notice: PendingAnnouncement) throws -> String? {
        if let alias = VolunteerRouting.alias(inTarget: notice.target) {
            if let nick = helpline.presence.nick(of: alias) { return nick }
            try helpline.store.failAnnouncement(notice.id, reason: "\(alias) is no longer logged in")
            return nil
        }
        if let first = notice.target.first, "#&".contains(first) {
            return client.joinedChannels.contains(notice.target.lowercased()) ? notice.target : nil
        }
        // A bare nick (stored by an older version): only while a volunteer is logged in on it.
        guard helpline.presence.login(ofNick: notice.target) != nil else {
            try helpline.store.failAnnouncement(notice.id, reason: "nobody logged in on that nick")
            return nil
        }
        return notice.target
    }

    private func enqueue(_ item: OutboxItem) {
        inFlight.insert(item.id)
        enqueue(item.text, to: item.address, source: .outbox(item))
    }

    /// IRC has no line breaks inside a message: each line of a text is its own PRIVMSG, split
    /// again to the server's line budget, queued fairly by recipient.
    private func enqueue(_ text: String, to target: String, source: Source) {
        var chunks: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            chunks += (try? client.lineBudget.splitForPRIVMSG(String(line), target: target)) ?? []
        }
        if chunks.isEmpty { chunks = ["…"] }
        for (index, chunk) in chunks.enumerated() {
            queue.append(Chunk(source: source, target: target, text: chunk, isLast: index == chunks.count - 1), for: target)
        }
    }

    /// A direct answer, queued like any line (paced, fair) but not stored.
    private func answer(_ target: String, _ lines: [String]) {
        for line in lines { enqueue(line, to: target, source: .none) }
        helpline.outboxBell(for: IRCChannel.channel).ring()
    }

    /// `login TOKEN` or `!login TOKEN` by private message.
    static func loginToken(_ text: String) -> String? {
        let words = text.split(separator: " ")
        guard words.count == 2, ["login", "!login"].contains(words[0].lowercased()) else { return nil }
        return String(words[1])
    }

    static func sameTarget(_ a: String, _ b: String?) -> Bool {
        guard let b else { return false }
        return a.lowercased() == b.lowercased()
    }

    /// Binds this nick to the volunteer whose token it is, while they keep the nick and stay in the
    /// volunteers' channel: outside it, the server would not tell the bot that they left, and a
    /// stranger taking the nick would inherit the login. Look-alike nicks are refused outright.
    private func login(nick: String, token: String) -> [String] {
        let plain = nick.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789-_[]{}\\|^`".unicodeScalars.contains($0)) }
        guard plain, let volunteer = try? helpline.store.volunteer(tokenHash: Digest.sha256Hex(token)), volunteer.active else {
            try? helpline.store.audit(actor: "unauthenticated:irc", action: "login", outcome: "denied", detail: "bad token or nick")
            return ["Refused: that token is not valid. Ask the operator for a new one (entraide volunteers add YOUR-ALIAS renews it)."]
        }
        guard let channel = volunteersChannel else {
            return ["Refused: this helpline has no volunteers' channel (irc.volunteers_channel), so IRC logins are off. Use entraide cases on the server."]
        }
        guard roster.contains(nick) else {
            try? helpline.store.audit(actor: volunteer.alias, action: "login", outcome: "denied", detail: "not in the volunteers' channel")
            return ["Refused: join \(channel) first (with the key the operator gave you), then log in again. Your login lasts while you stay there with this nick."]
        }
        helpline.presence.bind(VolunteerLogin(alias: volunteer.alias, nick: nick, languages: volunteer.languages))
        try? helpline.store.audit(actor: volunteer.alias, action: "login", outcome: "ok", detail: "irc")
        return [
            "Logged in as \(volunteer.alias) while you keep this nick and stay in \(channel). Here in private, commands need no !: "
                + VolunteerCommand.usage
        ]
    }

    /// Who a sender is: their services account where the server vouches for it (account-tag on the
    /// line, or extended-join / account-notify for members of the volunteers' channel), otherwise a
    /// login bound to this exact nick. A nick alone is never enough. An account volunteer in the
    /// channel is logged in from then on, so a worker's words follow the account to its current nick.
    private func identify(nick: String, account tagged: String?) -> Volunteer? {
        let vouched = tagged.flatMap { client.capabilities.contains("account-tag") ? $0 : nil } ?? roster.account(of: nick)
        if let account = vouched, let volunteer = try? helpline.store.volunteer(ircAccount: account), volunteer.active {
            if roster.contains(nick), helpline.presence.login(ofNick: nick)?.alias != volunteer.alias {
                helpline.presence.bind(VolunteerLogin(alias: volunteer.alias, nick: nick, languages: volunteer.languages, account: account))
                try? helpline.store.audit(actor: volunteer.alias, action: "login", outcome: "ok", detail: "irc account")
            }
            return volunteer
        }
        guard let login = helpline.presence.login(ofNick: nick) else { return nil }
        guard let volunteer = try? helpline.store.volunteer(alias: login.alias), volunteer.active else {
            helpline.presence.forget(alias: login.alias)
            return nil
        }
        return volunteer
    }

    /// A login token in a channel has been read by everyone there: it stops working now, and its
    /// owner is told in private how to get another.
    private func revokeLeakedTokens(in text: String, from nick: String) {
        for word in text.split(whereSeparator: { $0 == " " || $0 == ":" }) where Digest.looksLikeToken(word) {
            guard let volunteer = try? helpline.store.volunteer(tokenHash: Digest.sha256Hex(String(word))) else { continue }
            try? helpline.store.revokeToken(of: volunteer.alias, reason: "posted in a channel")
            helpline.presence.forget(alias: volunteer.alias)
            logger.warning("volunteer.token_leaked", metadata: ["volunteer": "\(volunteer.alias)"])
            answer(nick, [
                "That was a login token, in a channel where everyone reads it: it no longer works, and \(volunteer.alias) is logged out. "
                    + "Ask the operator for a new one (entraide volunteers add \(volunteer.alias) renews it), and send it to me only in private: /msg \(client.nick) login <token>"
            ])
        }
    }

    /// Logins that ended because the bot can no longer be sure who holds the nick: audited, no text.
    private func ended(_ aliases: [String], because reason: String) {
        for alias in aliases {
            try? helpline.store.audit(actor: alias, action: "logout", outcome: "ok", detail: reason)
        }
    }

    /// Who is asking: their services account where the server tells us (account-tag), otherwise a
    /// login bound to this exact nick. A nick alone is never enough.
    private func volunteerCommand(
        _ parsed: Result<VolunteerCommand, VolunteerCommandError>, from nick: String, account: String?
    ) -> [String] {
        let volunteer = identify(nick: nick, account: account)
        switch parsed {
        case .failure(let error):
            guard volunteer != nil else {
                try? helpline.store.audit(actor: "unauthenticated:irc", action: "command", outcome: "denied", detail: "not an authenticated volunteer")
                return ["Refused: you are not logged in as a volunteer."]
            }
            return ["\(error)"]
        case .success(let command):
            return desk.perform(command, as: volunteer, via: IRCChannel.channel, sender: nick)
        }
    }

    private func privmsg(to target: String, _ text: String) throws -> IRCMessage {
        try IRCMessage(command: "PRIVMSG", params: [target, text])
    }

    private func perform(_ actions: [IRCClient.Action]) async throws {
        for action in actions {
            switch action {
            case .send(let message):
                try await connection.send(message.serialize())
            case .registered(let nick):
                logger.info(
                    "irc.registered", metadata: ["irc.nick": "\(nick)", "irc.capabilities": "\(client.capabilities.sorted())"])
                publish { $0.registered = true; $0.nick = nick; $0.capabilities = client.capabilities }
                helpline.outboxBell(for: IRCChannel.channel).ring()
            case .privateMessage(let from, let account, let text, let messageID):
                if let token = Self.loginToken(text) {
                    answer(from, login(nick: from, token: token))
                } else if identify(nick: from, account: account) != nil {
                    // A volunteer talks to the bot in commands, with or without "!": never as a worker.
                    if let parsed = VolunteerCommand.parse(text) {
                        answer(from, volunteerCommand(parsed, from: from, account: account))
                    } else {
                        answer(from, [VolunteerCommand.unknown(text)])
                    }
                } else if text.hasPrefix("!"), let parsed = VolunteerCommand.parse(text) {
                    // A command by private message: never a worker's message, whoever sent it.
                    answer(from, volunteerCommand(parsed, from: from, account: account))
                } else {
                    // IRC nicks are case-insensitive: one worker, one address, one pseudonym.
                    if heldBack.removeValue(forKey: from.lowercased()) != nil {
                        helpline.outboxBell(for: IRCChannel.channel).ring()  // back: what waited for them goes out
                    }
                    let message = InboundMessage(
                        channel: IRCChannel.channel, messageID: messageID ?? UUID().uuidString,
                        address: from.lowercased(), text: text)
                    do {
                        _ = try helpline.receive(message)
                    } catch {
                        // IRC cannot deliver it again: the worker hears now that it was not kept
                        // (StoreHealth has told the operator why).
                        answer(from, [helpline.unavailableNotice(for: text)])
                    }
                }
            case .addressedInChannel(let channel, let from, let text):
                let language = helpline.library.snapshot.matcher.detectLanguage(text) ?? .en
                let invite = SystemMessage.privateOnly.text(in: language).replacingOccurrences(of: "%@", with: client.nick)
                answer(channel, ["\(from): \(invite)"])
            case .channelMessage(let channel, let from, let account, let text):
                revokeLeakedTokens(in: text, from: from)
                guard Self.sameTarget(channel, helpline.volunteers?.target), text.hasPrefix("!") else { break }
                // Answers go to the volunteer privately: a case's details never go to a channel.
                guard let parsed = VolunteerCommand.parse(text) else {
                    if identify(nick: from, account: account) != nil { answer(from, [VolunteerCommand.unknown(text)]) }
                    break
                }
                answer(from, volunteerCommand(parsed, from: from, account: account))
            case .nickChanged(let old, let new):
                roster.rename(old, to: new)
                let gone = helpline.presence.renamed(from: old, to: new)
                ended(gone, because: "nick changed")
                // Same connection, so the same person: they hear why, on their new nick.
                if !gone.isEmpty { answer(new, ["Your login ended because your nick changed. Log in again: login <your token>"]) }
            case .userQuit(let nick):
                roster.remove(nick)
                ended(helpline.presence.forget(nick: nick), because: "quit")
            case .memberJoined(let channel, let nick, let account):
                guard Self.sameTarget(channel, volunteersChannel) else { break }
                roster.add(nick, account: account)
                // A volunteer known by their account needs no token: joining is logging in.
                if account != nil { _ = identify(nick: nick, account: nil) }
            case .memberLeft(let channel, let nick):
                guard Self.sameTarget(channel, volunteersChannel) else { break }
                roster.remove(nick)
                ended(helpline.presence.forget(nick: nick), because: "left the volunteers' channel")
            case .channelMembers(let channel, let nicks):
                guard Self.sameTarget(channel, volunteersChannel) else { break }
                roster.replace(with: nicks)
                for login in helpline.presence.all where !roster.contains(login.nick) {
                    helpline.presence.forget(alias: login.alias)
                    ended([login.alias], because: "not in the volunteers' channel")
                }
            case .accountChanged(let nick, let account):
                roster.setAccount(account, of: nick)
                ended(helpline.presence.accountChanged(nick: nick, to: account), because: "services account changed")
            case .joinedChannel(let channel):
                if Self.sameTarget(channel, volunteersChannel) { roster.botJoined() }
                logger.info("irc.joined", metadata: ["irc.channel": "\(channel)"])
                publish { $0.inVolunteersChannel = true; $0.volunteersChannelProblem = nil }
                helpline.outboxBell(for: IRCChannel.channel).ring()
            case .channelJoinRefused(let channel, let reason):
                logger.warning(
                    "irc.join_refused",
                    metadata: ["irc.channel": "\(channel)", "irc.reason": "\(reason)", "irc.hint": "check irc.volunteers_channel and its key; retrying"])
                publish { $0.volunteersChannelProblem = reason }
            case .leftChannel(let channel, let reason):
                guard Self.sameTarget(channel, volunteersChannel) else { break }
                // Nobody in it can be vouched for any more: every login ends until we are back.
                roster.botLeft()
                ended(helpline.presence.all.map(\.alias), because: "the bot left the volunteers' channel")
                helpline.presence.forgetAll()
                logger.warning("irc.left_channel", metadata: ["irc.channel": "\(channel)", "irc.reason": "\(reason)"])
                publish { $0.inVolunteersChannel = false; $0.volunteersChannelProblem = reason }
            case .pong(let token):
                if token == livenessProbe {
                    livenessProbe = nil
                    helpline.outboxBell(for: IRCChannel.channel).ring()
                    break
                }
                guard let proven = awaitingProof.removeValue(forKey: token) else { break }  // a liveness PING
                // Everything this proof confirms is recorded in one write.
                var deliveries: [CaseStore.Delivery] = []
                for source in proven {
                    switch source {
                    case .outbox(let item):
                        inFlight.remove(item.id)
                        if unreachable.contains(item.address) {
                            // Not delivered: it stays in the outbox until that nick writes again (see `heldBack`).
                            heldBack[item.address.lowercased()] = item.pseudonym
                            deliveries.append(.undeliverable(item))
                        } else {
                            deliveries.append(.delivered(item))
                        }
                    case .announcement(let id, let target):
                        announcementsInFlight.remove(id)
                        if !unreachable.contains(target.lowercased()) {
                            deliveries.append(.announcementDelivered(id))
                            if target.first == "#" || target.first == "&" { publish { $0.announcementProblem = nil } }
                        } else if target.first == "#" || target.first == "&" {
                            // Refused by the server (404: not in the channel, or it is +n/+m): not a delivery.
                            deliveries.append(.announcementNotDelivered(id))
                            retryAt[target.lowercased()] = .now + Self.retryUnreachableAfter
                            publish { $0.announcementProblem = "the server refused announcements to \(target)" }
                        } else {
                            // The volunteer's nick is gone: nobody else may read it. Kept in the case for show.
                            deliveries.append(.announcementUndeliverable(id, reason: "\(target) was not on the server"))
                        }
                    case .none:
                        break
                    }
                }
                try helpline.store.record(deliveries, giveUpAfter: helpline.policy.giveUpAfter)
                unreachable.removeAll()
                // A full page may have been sent: look at the outbox again now, not at the next timer. Otherwise
                // every new reply has rung already (a wake-up and a query less per proof).
                if pageWasFull || waitingForProof {
                    waitingForProof = false
                    helpline.outboxBell(for: IRCChannel.channel).ring()
                }
            case .undeliverable(let target):
                unreachable.insert(target.lowercased())
            case .disconnect(let reason):
                closing = reason
            case .warning(let text):
                logger.warning("irc.server_warning", metadata: ["irc.warning": "\(text)"])
            }
        }
    }
}

extension Duration {
    var curlMillisecondsForLog: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
