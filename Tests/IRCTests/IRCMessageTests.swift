import Testing

@testable import IRC

@Suite("IRCMessage")
struct IRCMessageTests {
    @Test(
        "source helpers split nick!user@host",
        arguments: [
            ("nick!~user@host.example", "nick", "~user", "host.example"),
            ("nick@host", "nick", nil, "host"),
            // Split by bytes: `!` followed by a combining mark is one Character, but still the separator.
            ("nick!\u{301}user@host", "nick", "\u{301}user", "host"),
            ("irc.example.com", "irc.example.com", nil, nil),
        ] as [(String, String?, String?, String?)])
    func sourceParts(_ source: String, _ nick: String?, _ user: String?, _ host: String?) throws {
        let message = try IRCMessage.parse(":\(source) PING x")
        #expect(message.nick == nick)
        #expect(message.user == user)
        #expect(message.host == host)
    }

    @Test("no source, no helpers")
    func noSource() throws {
        let message = try IRCMessage.parse("PING :x")
        #expect(message.source == nil && message.nick == nil && message.user == nil && message.host == nil)
    }

    @Test("tags keep wire order; a duplicate keeps its first position and last value")
    func tagOrder() throws {
        let message = try IRCMessage.parse("@z=1;a=2;m;z=3 :n!u@h PRIVMSG #c :hi")
        #expect(message.tags.map(\.key) == ["z", "a", "m"])
        #expect(message.tagValue(forKey: "z") == "3")
        #expect(message.tagValue(forKey: "m") == "")
        #expect(message.tagValue(forKey: "absent") == nil)
        #expect(message.serialize() == "@z=3;a=2;m :n!u@h PRIVMSG #c hi")
    }

    @Test("a tag value may start with a combining mark or a ZWJ (found by fuzzing)")
    func tagValuesStartingWithAnExtender() throws {
        let message = try IRCMessage.parse("@a=\u{301}x;b=\u{200D}y :n!u@h PRIVMSG #c :hi")
        #expect(message.tags == [IRCTag(key: "a", value: "\u{301}x"), IRCTag(key: "b", value: "\u{200D}y")])
        #expect(try IRCMessage.parse(message.serialize()) == message)
    }

    @Test("tags with invalid keys are dropped, the message is kept")
    func invalidTagKeys() throws {
        let message = try IRCMessage.parse("@bad_key=1;+ok=2;/nokey=3;=v;v/=4;;a.b/c=d=e PRIVMSG #c :hi")
        #expect(message.tags == [IRCTag(key: "+ok", value: "2"), IRCTag(key: "a.b/c", value: "d=e")])
        #expect(message.params == ["#c", "hi"])
    }

    @Test(
        "malformed lines are errors with a reason and a safe excerpt",
        arguments: [
            ("", IRCParseError.Reason.missingCommand),
            ("   ", .missingCommand),
            ("@a=b", .missingCommand),
            (":nick", .missingCommand),
            (": PRIVMSG x", .invalidSource),
            ("PRIV.MSG x", .invalidCommand),
            ("12 x", .invalidCommand),
            ("1234 x", .invalidCommand),
            ("PRIVMSG \u{03} :x", .invalidParameter(index: 0)),
        ] as [(String, IRCParseError.Reason)])
    func malformed(_ line: String, _ reason: IRCParseError.Reason) {
        #expect(throws: IRCParseError(reason, line: line)) { try IRCMessage.parse(line) }
    }

    @Test("the error excerpt is at most 80 characters and has no control characters")
    func errorExcerpt() {
        let line = "\r\n" + String(repeating: "x", count: 200) + " :"
        do {
            _ = try IRCMessage.parse("1" + line)
            Issue.record("expected an error")
        } catch {
            #expect(error.line.count <= 80)
            #expect(!error.line.utf8.contains(13) && !error.line.utf8.contains(10))
        }
    }

    @Test("the last parameter gets a colon only when needed")
    func trailingColon() throws {
        #expect(try IRCMessage(command: "PRIVMSG", params: ["#c", "word"]).serialize() == "PRIVMSG #c word")
        #expect(try IRCMessage(command: "PRIVMSG", params: ["#c", "two words"]).serialize() == "PRIVMSG #c :two words")
        #expect(try IRCMessage(command: "PRIVMSG", params: ["#c", ":)"]).serialize() == "PRIVMSG #c ::)")
        #expect(try IRCMessage(command: "PRIVMSG", params: ["#c", ""]).serialize() == "PRIVMSG #c :")
        #expect(try IRCMessage(command: "QUIT").serialize() == "QUIT")
    }
}
