import Testing

@testable import IRC

/// CR/LF/NUL injection (reliability.md §1.11): whatever a parameter holds, the serialised line is one line.
@Suite("Injection")
struct InjectionTests {
    static let hostileTexts: [String] = [
        "hi\r\nQUIT :bye",
        "hi\rPRIVMSG ChanServ :SET PASSWORD foo",
        "hi\nMODE #aide +o mallory",
        "nul\0wedges ngircd",
        "\u{01}DCC SEND x 2130706433 6667\u{01}",
        "\u{01}VERSION\u{01}",
        "test\r\nPRIVMSG ChanServ SET PASSWORD foo",
        "\r\n\r\n\0\0\u{01}\r",
        ":leading colon\r\n:forged!u@h PRIVMSG victim :hi",
        "\u{202E}evil\u{2066}\u{85}next-line\u{2028}sep",
        "",
        " ",
    ]

    static func assertOneLine(_ line: String, target: String) throws {
        #expect(!line.utf8.contains(13), "CR in \(line.debugDescription)")
        #expect(!line.utf8.contains(10), "LF in \(line.debugDescription)")
        #expect(!line.utf8.contains(0), "NUL in \(line.debugDescription)")
        let out = frame(Array((line + "\r\n").utf8))
        #expect(out.count == 1)
        guard case .message(let message) = out.first else {
            Issue.record("not parsed: \(out)")
            return
        }
        #expect(message.command == "PRIVMSG")
        #expect(message.params.count == 2)
        #expect(message.params.first == target)
    }

    @Test("hostile text serialises to exactly one PRIVMSG to the same target", arguments: hostileTexts)
    func hostileText(_ text: String) throws {
        let line = try IRCMessage(command: "PRIVMSG", params: ["#aide", text]).serialize()
        try Self.assertOneLine(line, target: "#aide")
        #expect(!line.unicodeScalars.contains("\u{01}"), "CTCP delimiter must need an explicit opt-in")
        #expect(try IRCMessage.parse(line).params.last == IRCText.sanitize(text))
    }

    @Test("random hostile parameters never escape their line", arguments: 0..<4 as Range<UInt64>)
    func randomHostile(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let alphabet: [Unicode.Scalar] = [
            "\r", "\n", "\0", "\u{01}", " ", ":", "@", ";", "\\", "a", "#", "é",
            "\u{202E}", "\u{85}", "\u{7F}", "\t", "👍",
        ]
        for _ in 0..<2_500 {
            let text = String(
                String.UnicodeScalarView(
                    (0..<Int.random(in: 0...60, using: &random)).map { _ in
                        alphabet.randomElement(using: &random) ?? "a"
                    }))
            let tag = IRCTag(key: "+draft/reply", value: text)
            let line = try IRCMessage(tags: [tag], command: "PRIVMSG", params: ["#aide", text]).serialize()
            try Self.assertOneLine(line, target: "#aide")
            let parsed = try IRCMessage.parse(line)
            #expect(parsed.params.last == IRCText.sanitize(text))
            #expect(parsed.tagValue(forKey: "+draft/reply") == text.replacingNUL)
        }
    }

    @Test("a target with CR/LF collapses into one token or is refused, never split")
    func hostileTarget() throws {
        let line = try IRCMessage(command: "PRIVMSG", params: ["#aide\r\nQUIT", "hello"]).serialize()
        #expect(line == "PRIVMSG #aideQUIT hello")
        for target in ["#aide QUIT", ":#aide", "", "\r\n", "\0", "#a\u{01} :x"] {
            #expect(throws: IRCMessageError.self, "\(target.debugDescription)") {
                try IRCMessage(command: "PRIVMSG", params: [target, "hello"])
            }
        }
    }

    @Test(
        "commands, tag keys and sources are validated",
        arguments: [
            ("PRIV MSG", "k", nil), ("PRIVMSG\r\n", "k", nil), ("", "k", nil), ("12", "k", nil), ("1234", "k", nil),
            ("PRIVMSG", "a b", nil), ("PRIVMSG", "a;b", nil), ("PRIVMSG", "a=b", nil), ("PRIVMSG", "", nil),
            ("PRIVMSG", "+", nil), ("PRIVMSG", "v/", nil), ("PRIVMSG", "/k", nil), ("PRIVMSG", "a/b/c", nil),
            ("PRIVMSG", "k", "nick user"), ("PRIVMSG", "k", ""), ("PRIVMSG", "k", "\r\n"),
        ] as [(String, String, String?)])
    func validation(command: String, key: String, source: String?) {
        #expect(throws: IRCMessageError.self) {
            try IRCMessage(tags: [IRCTag(key: key)], source: source, command: command, params: ["#c", "x"])
        }
    }

    @Test("valid keys and commands are accepted and commands are upper-cased")
    func accepted() throws {
        let keys = ["time", "+typing", "draft/label", "+draft/reply", "inspircd.org/bot", "solanum.chat/identified"]
        let message = try IRCMessage(
            tags: keys.map { IRCTag(key: $0, value: "1") }, command: "privmsg",
            params: ["#c", "x"])
        #expect(message.command == "PRIVMSG")
        #expect(try IRCMessage(command: "001", params: ["bot", "Welcome"]).command == "001")
    }

    @Test("tag values round-trip through escaping; NUL, which cannot be escaped, is dropped")
    func tagEscaping() throws {
        let value = "a;b c\\d\re\nf\0g"
        let line = try IRCMessage(tags: [IRCTag(key: "k", value: value)], command: "TAGMSG", params: ["#c"])
            .serialize()
        #expect(line == #"@k=a\:b\sc\\d\re\nfg TAGMSG #c"#)
        #expect(try IRCMessage.parse(line).tagValue(forKey: "k") == "a;b c\\d\re\nfg")
        // A value of NULs alone is no value: `k`, not `k=`, which is what it parses back to (found by fuzzing).
        let empty = try IRCMessage(tags: [IRCTag(key: "k", value: "\0")], command: "TAGMSG", params: ["#c"])
        #expect(empty.serialize() == "@k TAGMSG #c")
    }
}

extension String {
    var replacingNUL: String {
        String(String.UnicodeScalarView(unicodeScalars.filter { $0 != "\0" }))
    }
}
