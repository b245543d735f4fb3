import ChannelRecords
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

/// One connection's state: the client machine (what comes in), the outbound machine (what goes out and what the
/// server proved) and what the store must learn of it.
actor IRCSession {
    /// What an item's proof marks delivered. Direct answers (to a volunteer's command, an invitation) are not
    /// stored and have none.
    private enum Source: Sendable {
        case outbox(OutboxItem)
        /// An announcement, and the nick or channel its lines went to.
        case announcement(Int64, sentTo: String)
    }

    private let connection: LineConnection
    private let helpline: Helpline
    /// The helpline's door for this channel: messages in, replies and announcements out, what became of them.
    private let mailbox: Mailbox
    private let configuration: IRCChannelConfiguration
    private let logger: Logger
    private var client: IRCClient
    private var outbound: IRCOutbound<Source>
    /// Outbox rows and announcements whose lines are queued or sent, so they are not queued twice.
    private var inFlight: Set<Int64> = []
    private var announcementsInFlight: Set<Int64> = []
    private let desk: VolunteerDesk
    /// Login attempts and commands from senders who are not logged in, per nick: a few are answered and
    /// audited, a flood is not (one audit row says it happened). Before, 300 lines gave 300 answers and 300
    /// permanent audit rows (issue #18, item 6).
    private let unauthenticated = SenderRateLimit(
        policy: RateLimitPolicy(burst: 5, perMinute: 5, noticeInterval: 300, trackedSenders: 1_000))
    private var closing: String?
    /// Announcement targets the server refused, and when each may be tried again.
    private var retryAt: [String: ContinuousClock.Instant] = [:]
    /// Workers the server said are not there (401), by address (nick, lowercased) → pseudonym: their replies
    /// are not even fetched until that nick writes to the bot again. Not retried on a timer: whoever takes the
    /// nick next must not receive a departed worker's replies just by holding it (they would still, by writing
    /// from it: the pseudonym is the nick's; only services accounts tell two holders apart). Per connection:
    /// after a reconnect of the bot each is tried once more. Given up after `delivery.give_up_after_hours`.
    private var heldBack: [String: String] = [:]
    /// Nicks (lowercased) that wrote to the bot since the last proof: a reply to one of them refused (401) in the
    /// meantime was refused before they came back (the 401 arrives before their message, the PONG after), so it
    /// is not held back — holding it would wait for a second message they have no reason to send.
    private var spokeSinceProof: Set<String> = []
    /// Workers' messages read and not stored yet: stored together once the lines that arrived with them are read.
    private var arrivals: [(nick: String, message: InboundMessage)] = []
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
        self.mailbox = helpline.mailbox(for: IRCChannel.channel)
        self.configuration = configuration
        self.logger = logger
        self.client = IRCClient(configuration: configuration.client)
        self.desk = VolunteerDesk(helpline: helpline)
        self.outbound = IRCOutbound(
            configuration: IRCOutbound.Configuration(burst: configuration.burst, lineInterval: configuration.lineInterval),
            now: .now)
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
            if let line = try await connection.readLine(timeout: .seconds(1)) {
                outbound.heard(now: .now)
                try await handle(line)
                // The lines that came with it are handled too, and their workers' messages stored together.
                var drained = 1
                while drained < Self.linesPerBatch, let next = connection.receivedLine() {
                    try await handle(next)
                    drained += 1
                }
                storeArrivals()
            } else {
                try await perform(client.handle(.tick, now: .now))
            }
            if let closing { throw TransportError(.connectionClosed, detail: closing) }
        }
    }

    /// Outbox rows looked at per pass of the sender. The rows already queued or in flight come back in every
    /// page and are skipped; with 200, decoding them was 8% of `serve`'s CPU on the peer kit's load (perf),
    /// while the outbound machine sends six unproven items at most. A full page is looked at again as soon as
    /// a proof comes (`pageWasFull`).
    static let outboxPage = 32

    /// At most this many lines read at once are handled before their workers' messages are stored.
    static let linesPerBatch = 100

    private func handle(_ line: String) async throws {
        guard case .success(let message) = IRCMessage.read(line) else {
            if !line.isEmpty { logger.debug("irc.unparsable_line") }
            return
        }
        try await perform(client.handle(.received(message), now: .now))
    }

    /// Stores the workers' messages read since the last call, in one transaction.
    private func storeArrivals() {
        guard !arrivals.isEmpty else { return }
        defer { arrivals.removeAll(keepingCapacity: true) }
        do {
            _ = try mailbox.receive(batch: arrivals.map(\.message))
        } catch {
            // IRC cannot deliver them again: the workers hear now that they were not kept
            // (StoreHealth has told the operator why).
            for arrival in arrivals { answer(arrival.nick, [mailbox.unavailableNotice(for: arrival.message.text)]) }
        }
    }

    func writeLoop() async throws {
        let bell = mailbox.bell
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
        let page = try mailbox.pendingReplies(limit: Self.outboxPage, excluding: Set(heldBack.values))
        pageWasFull = page.count == Self.outboxPage
        for item in page where !inFlight.contains(item.id) && retryAt[item.address] == nil {
            enqueue(item)
        }
        for notice in try mailbox.pendingAnnouncements()
        where !announcementsInFlight.contains(notice.id) && retryAt[notice.target.lowercased()] == nil {
            guard let target = try resolve(notice) else { continue }
            announcementsInFlight.insert(notice.id)
            enqueue(notice.text, to: target, source: .announcement(notice.id, sentTo: target))
        }
        // The lines the outbound machine lets go now are written together (one hand-over to the loop thread, one
        // system call), in its order; the next decision waits for that write. One write per line was half of
        // `serve`'s context switches (scripts/profile-serve: 23k → 9k for 2,000 answers); the bound on unproven
        // items (`IRCOutbound.Configuration.maximumUnproven`) keeps a batch from running ahead of the proofs.
        var ready: [String] = []
        while true {
            switch outbound.next(now: .now) {
            case .send(let line):
                ready.append(line.serialize())
            case _ where !ready.isEmpty:
                try await connection.send(lines: ready)
                ready.removeAll(keepingCapacity: true)
                // Time has passed: ask again.
            case .wait(let wait): return wait
            case .waitForProof: return .seconds(1)  // the PONG rings the bell
            case .idle: return retryAt.isEmpty ? .seconds(5) : Self.retryUnreachableAfter
            }
        }
    }

    /// Where an announcement goes now, or nil to hold it (the bot is not in the channel yet) or set it
    /// aside (the volunteer it was for is no longer logged in: no one else may read it).
    private func resolve(_ notice: PendingAnnouncement) throws -> String? {
        if let alias = VolunteerRouting.alias(inTarget: notice.target) {
            if let nick = helpline.presence.nick(of: alias) { return nick }
            try mailbox.abandonAnnouncement(notice.id, reason: "\(alias) is no longer logged in")
            return nil
        }
        if let first = notice.target.first, "#&".contains(first) {
            return client.joinedChannels.contains(notice.target.lowercased()) ? notice.target : nil
        }
        // A bare nick (stored by an older version): only while a volunteer is logged in on it.
        guard helpline.presence.login(ofNick: notice.target) != nil else {
            try mailbox.abandonAnnouncement(notice.id, reason: "nobody logged in on that nick")
            return nil
        }
        return notice.target
    }

    private func enqueue(_ item: OutboxItem) {
        inFlight.insert(item.id)
        enqueue(item.text, to: item.address, source: .outbox(item))
    }

    /// IRC has no line breaks inside a message: each line of a text is its own PRIVMSG, split
    /// again to the server's line budget, queued fairly by recipient. A line split in several messages has
    /// "… " before each part after the first: a worker's long text relayed to a volunteer must not start a
    /// message with words of the worker's choosing ("Refused: your login expired. Send me login …" would
    /// read as the bot's own), only the first part carries the case's prefix.
    private func enqueue(_ text: String, to target: String, source: Source?) {
        var chunks: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            chunks += (try? client.lineBudget.splitForPRIVMSG(String(line), target: target, continuation: Self.continuation)) ?? []
        }
        outbound.enqueue(chunks, to: target, source: source)
    }

    /// What a continued message starts with.
    static let continuation = "… "

    /// A direct answer, queued like any line (paced, fair) but not stored.
    private func answer(_ target: String, _ lines: [String]) {
        for line in lines { enqueue(line, to: target, source: nil) }
        mailbox.bell.ring()
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
        guard plain, let volunteer = desk.volunteer(token: token) else {
            desk.audit(actor: "unauthenticated:irc", action: "login", outcome: "denied", detail: "bad token or nick")
            return ["Refused: that token is not valid. Ask the operator for a new one (entraide volunteers add YOUR-ALIAS renews it)."]
        }
        guard let channel = volunteersChannel else {
            return ["Refused: this helpline has no volunteers' channel (irc.volunteers_channel), so IRC logins are off. Use entraide cases on the server."]
        }
        guard roster.contains(nick) else {
            desk.audit(actor: volunteer.alias, action: "login", outcome: "denied", detail: "not in the volunteers' channel")
            return ["Refused: join \(channel) first (with the key the operator gave you), then log in again. Your login lasts while you stay there with this nick."]
        }
        helpline.presence.bind(VolunteerLogin(alias: volunteer.alias, nick: nick, languages: volunteer.languages))
        desk.audit(actor: volunteer.alias, action: "login", outcome: "ok", detail: "irc")
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
        if let account = vouched, let volunteer = desk.volunteer(account: account) {
            if roster.contains(nick), helpline.presence.login(ofNick: nick)?.alias != volunteer.alias {
                helpline.presence.bind(VolunteerLogin(alias: volunteer.alias, nick: nick, languages: volunteer.languages, account: account))
                desk.audit(actor: volunteer.alias, action: "login", outcome: "ok", detail: "irc account")
            }
            return volunteer
        }
        guard let login = helpline.presence.login(ofNick: nick) else { return nil }
        guard let volunteer = desk.volunteer(alias: login.alias) else {
            helpline.presence.forget(alias: login.alias)
            return nil
        }
        return volunteer
    }

    /// A login token in a channel has been read by everyone there: it stops working now, and its
    /// owner is told in private how to get another.
    private func revokeLeakedTokens(in text: String, from nick: String) {
        for word in text.split(whereSeparator: { $0 == " " || $0 == ":" }) {
            guard let volunteer = desk.revokeLeaked(word) else { continue }
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
            desk.audit(actor: alias, action: "logout", outcome: "ok", detail: reason)
        }
    }

    /// Who is asking: their services account where the server tells us (account-tag), otherwise a
    /// login bound to this exact nick. A nick alone is never enough.
    private func volunteerCommand(
        _ parsed: Result<VolunteerCommand, VolunteerCommandError>, from nick: String, account: String?
    ) -> [String] {
        let volunteer = identify(nick: nick, account: account)
        if volunteer == nil, let refusal = throttled(nick) { return refusal }
        switch parsed {
        case .failure(let error):
            guard volunteer != nil else {
                desk.audit(actor: "unauthenticated:irc", action: "command", outcome: "denied", detail: "not an authenticated volunteer")
                return ["Refused: you are not logged in as a volunteer."]
            }
            return ["\(error)"]
        case .success(let command):
            return desk.perform(command, as: volunteer, via: IRCChannel.channel, sender: nick)
        }
    }

    /// nil when a sender who is not logged in may be heard now; otherwise what to answer: one refusal (and one
    /// audit row) when the flood starts, then nothing for `noticeInterval`.
    private func throttled(_ nick: String) -> [String]? {
        switch unauthenticated.admit(nick.lowercased(), at: Date()) {
        case .read:
            return nil
        case .refuse(tell: false):
            return []
        case .refuse(tell: true):
            let policy = unauthenticated.policy
            desk.audit(
                actor: "unauthenticated:irc", action: "flood", outcome: "denied",
                detail: "over \(policy.perMinute) attempts a minute; the next ones for \(Int(policy.noticeInterval / 60)) minutes"
                    + " are neither answered nor recorded")
            return ["Refused: too many attempts from this nick. Wait a few minutes, then try again."]
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
                mailbox.bell.ring()
            case .privateMessage(let from, let account, let text, let messageID):
                if let token = Self.loginToken(text) {
                    if let refusal = throttled(from) {
                        answer(from, refusal)
                    } else {
                        answer(from, login(nick: from, token: token))
                    }
                } else if identify(nick: from, account: account) != nil {
                    // A volunteer talks to the bot in commands, with or without "!": never as a worker.
                    if let parsed = VolunteerCommand.parse(text) {
                        answer(from, volunteerCommand(parsed, from: from, account: account))
                    } else {
                        answer(from, [VolunteerCommand.unknown(text)])
                    }
                } else if text.hasPrefix("!"), roster.contains(from), let parsed = VolunteerCommand.parse(text) {
                    // A command from someone in the volunteers' channel who is not logged in (a revoked token, a
                    // forgotten login): refused, with what to do. From anyone else, "!help" is a worker's message
                    // like any other: a worker must never get a volunteer's refusal, and a stranger's guesses must
                    // not each leave an audit row (issue #18).
                    answer(from, volunteerCommand(parsed, from: from, account: account))
                } else {
                    // IRC nicks are case-insensitive: one worker, one address, one pseudonym.
                    if heldBack.removeValue(forKey: from.lowercased()) != nil {
                        mailbox.bell.ring()  // back: what waited for them goes out
                    }
                    spokeSinceProof.insert(from.lowercased())
                    let message = InboundMessage(
                        channel: IRCChannel.channel, messageID: messageID ?? UUID().uuidString,
                        address: from.lowercased(), text: text)
                    arrivals.append((from, message))
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
                mailbox.bell.ring()
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
                guard let proof = outbound.pong(token, now: .now) else { break }
                // Everything this proof confirms is recorded in one write.
                var deliveries: [Delivery] = []
                var sendAgain = false
                for delivery in proof.deliveries {
                    switch delivery.source {
                    case .outbox(let item):
                        inFlight.remove(item.id)
                        if delivery.reached {
                            deliveries.append(.delivered(item))
                        } else {
                            // Not delivered: it stays in the outbox until that nick writes again (see `heldBack`),
                            // unless they wrote since the last proof: then they are back already, and it goes again.
                            if spokeSinceProof.contains(item.address.lowercased()) {
                                sendAgain = true
                            } else {
                                heldBack[item.address.lowercased()] = item.pseudonym
                            }
                            deliveries.append(.undeliverable(item))
                        }
                    case .announcement(let id, let target):
                        announcementsInFlight.remove(id)
                        if delivery.reached {
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
                    }
                }
                spokeSinceProof.removeAll(keepingCapacity: true)
                try mailbox.record(deliveries)
                // A full page may have been sent: look at the outbox again now, not at the next timer. Otherwise
                // every new reply has rung already (a wake-up and a query less per proof).
                if pageWasFull || proof.resumesSending || sendAgain {
                    mailbox.bell.ring()
                }
            case .undeliverable(let target):
                outbound.refused(target)
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
