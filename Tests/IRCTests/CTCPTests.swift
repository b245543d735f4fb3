import Testing

@testable import IRC

@Suite("CTCP")
struct CTCPTests {
    @Test(
        "queries are recognised, with or without the closing delimiter",
        arguments: [
            ("\u{01}VERSION\u{01}", CTCPQuery.version),
            ("\u{01}version", .version),
            ("\u{01}PING 1700000000 123\u{01}", .ping("1700000000 123")),
            ("\u{01}TIME\u{01}", .time),
            ("\u{01}CLIENTINFO\u{01}", .clientinfo),
            ("\u{01}DCC SEND file 2130706433 6667 100\u{01}", .dcc),
            ("\u{01}ACTION waves hello\u{01}", .action("waves hello")),
            ("\u{01}FINGER\u{01}", .other("FINGER")),
            ("\u{01}\u{01}", .other("")),
        ] as [(String, CTCPQuery)])
    func recognised(_ text: String, _ query: CTCPQuery) {
        #expect(CTCPQuery(privmsgText: text) == query)
        #expect(CTCP.isCTCP(text))
    }

    @Test("plain text is not CTCP, even with a delimiter inside", arguments: ["hello", "", "hi \u{01}VERSION\u{01}"])
    func plain(_ text: String) {
        #expect(CTCPQuery(privmsgText: text) == nil)
    }

    @Test("only a PRIVMSG carries a query; a NOTICE (a reply) never does")
    func onlyPrivmsg() throws {
        let query = try IRCMessage.parse(":a!b@c PRIVMSG bot :\u{01}VERSION\u{01}")
        let reply = try IRCMessage.parse(":a!b@c NOTICE bot :\u{01}VERSION x\u{01}")
        #expect(query.ctcpQuery == .version)
        #expect(reply.ctcpQuery == nil)
    }

    @Test("a reply keeps its delimiters and loses injected ones")
    func reply() throws {
        let budget = IRCLineBudget(nickLength: 30)
        let message = try CTCP.reply(to: "worker", command: "ping", argument: "12\u{01}\r\nQUIT 3", budget: budget)
        #expect(message.serialize() == "NOTICE worker :\u{01}PING 12QUIT 3\u{01}")
        let version = try CTCP.reply(to: "worker", command: "VERSION", argument: "Entraide", budget: budget)
        #expect(version.serialize() == "NOTICE worker :\u{01}VERSION Entraide\u{01}")
        #expect(throws: IRCMessageError.self) {
            try CTCP.reply(to: "worker", command: "PING\u{01} x", budget: budget)
        }
    }

    @Test("echoing a huge PING token still fits in 512 bytes once relayed")
    func hugePing() throws {
        let budget = IRCLineBudget(nickLength: 30)
        let token = String(repeating: "é", count: 300)
        let message = try CTCP.reply(to: "worker", command: "PING", argument: token, budget: budget)
        let relayed =
            ":" + String(repeating: "n", count: 30) + "!" + String(repeating: "u", count: 10) + "@"
            + String(repeating: "h", count: 63) + " " + message.serialize() + "\r\n"
        #expect(relayed.utf8.count <= 512)
        #expect(CTCP.split(message.params[1])?.command == "PING")
    }

    @Test("a target too long for any reply is refused, not sent over 512 bytes (found by fuzzing)")
    func targetTooLong() throws {
        let budget = IRCLineBudget(nickLength: 30)
        let target = String(repeating: "\u{FFFD}", count: 140)  // 420 bytes
        #expect(throws: IRCMessageError(.targetTooLong, detail: target)) {
            try CTCP.reply(to: target, command: "PING", argument: "1", budget: budget)
        }
    }
}
