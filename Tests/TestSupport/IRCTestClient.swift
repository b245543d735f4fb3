import Foundation
public import IRC
public import Transport

/// A person on the test IRC server: registers, sends lines, and records what reaches it.
public actor IRCTestClient {
    public nonisolated let nick: String
    private let connection: LineConnection
    public private(set) var received: [IRCMessage] = []
    private var reader: Task<Void, Never>?

    /// With `tls`, the server's certificate is verified against `caFile` (a private server's own).
    public init(nick: String, port: Int, loop: CurlEventLoop, tls: Bool = false, caFile: String? = nil) async throws {
        self.nick = nick
        connection = try await loop.connectLine(LineOptions(host: "127.0.0.1", port: port, tls: tls, caFile: caFile))
        try await connection.send("NICK \(nick)")
        try await connection.send("USER \(nick) 0 * :test")
    }

    /// Starts reading; answers PINGs so the server keeps us.
    public func start() {
        reader = Task { [connection] in
            while !Task.isCancelled {
                let line: String?
                do {
                    line = try await connection.readLine(timeout: .seconds(1))
                } catch {
                    return  // closed (by us or the server): reading again would spin on the error
                }
                guard let line else { continue }
                guard let message = try? IRCMessage.parse(line) else { continue }
                if message.command == "PING" { try? await connection.send("PONG :\(message.params.last ?? "")") }
                self.record(message)
            }
        }
    }

    private func record(_ message: IRCMessage) { received.append(message) }

    public func send(_ line: String) async throws { try await connection.send(line) }

    public func say(_ text: String, to target: String = "entraide") async throws {
        try await connection.send(try IRCMessage(command: "PRIVMSG", params: [target, text]).serialize())
    }

    /// Private messages to us, in order, as (sender, text).
    public var privateMessages: [(from: String, text: String)] {
        received.filter { $0.command == "PRIVMSG" && $0.params.first == nick }.map { ($0.nick ?? "", $0.params.last ?? "") }
    }

    public func waitUntil(timeout: Duration = .seconds(20), _ condition: @Sendable (IRCTestClient) async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return await condition(self)
    }

    public func waitForWelcome() async -> Bool {
        await waitUntil { await $0.received.contains { $0.command == "001" } }
    }

    public func close() {
        reader?.cancel()
        connection.close()
    }
}

extension IRCTestClient {
    /// A volunteer's first steps: join the volunteers' channel with its key, wait until the server
    /// confirms it (so the bot has seen the JOIN too), then log in to the bot in private.
    /// True once the bot said "Logged in".
    public func joinAndLogIn(token: String, channel: String = "#volunteers", key: String = "k3y", bot: String = "entraide") async throws -> Bool {
        try await send("JOIN \(channel) \(key)")
        guard await waitUntil({ await $0.received.contains { $0.command == "366" && $0.params.dropFirst().first?.lowercased() == channel.lowercased() } })
        else { return false }
        try await say("login \(token)", to: bot)
        return await waitForPrivate { $0.hasPrefix("Logged in as") }
    }

    /// Waits for a private message matching `match`.
    public func waitForPrivate(timeout: Duration = .seconds(20), _ match: @escaping @Sendable (String) -> Bool) async -> Bool {
        await waitUntil(timeout: timeout) { await $0.privateMessages.contains { match($0.text) } }
    }
}
