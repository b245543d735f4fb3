import Testing

@testable import IRC

@Suite("IRCText.split and IRCLineBudget")
struct SplitTests {
    @Test("worst-case budget: 107-byte relay prefix for NICKLEN 30, 384 bytes of text to #helpline")
    func worstCaseBudget() {
        let budget = IRCLineBudget(nickLength: 30)
        #expect(budget.relayPrefixBytes == 1 + 30 + 1 + 10 + 1 + 63 + 1)
        #expect(budget.privmsgPayloadBytes(target: "#helpline") == 512 - 2 - 107 - 7 - 1 - 9 - 2)
    }

    @Test("a known source gives a larger, exact budget")
    func knownSource() {
        let budget = IRCLineBudget(knownSource: "entraide!~bot@203.0.113.7")
        #expect(budget.relayPrefixBytes == 27)
        #expect(budget.privmsgPayloadBytes(target: "#a") == 512 - 2 - 27 - 7 - 1 - 2 - 2)
    }

    @Test("a full line at the budget is exactly 512 bytes once relayed")
    func exactFit() throws {
        let budget = IRCLineBudget(nickLength: 9, userLength: 10, hostLength: 63)
        let target = "#entraide"
        let text = String(repeating: "ab ", count: 300)  // 405 = 135 × 3: the first chunk fills the budget
        let chunks = try budget.splitForPRIVMSG(text, target: target)
        let prefix = ":nicknameX!~usernameX@" + String(repeating: "h", count: 63) + " "
        let first = prefix + (try IRCMessage(command: "PRIVMSG", params: [target, chunks[0]])).serialize() + "\r\n"
        #expect(prefix.utf8.count == budget.relayPrefixBytes)
        #expect(chunks[0].utf8.count == budget.privmsgPayloadBytes(target: target))
        #expect(first.utf8.count == 512)
    }

    @Test("a continued message starts with the marker and still fits; nothing else is added or lost")
    func continuation() throws {
        let budget = IRCLineBudget(nickLength: 9, userLength: 10, hostLength: 63)
        let text = String(repeating: "Refused: send me login abc ", count: 60)
        let chunks = try budget.splitForPRIVMSG(text, target: "bruno", continuation: "… ")
        #expect(chunks.count > 2)
        #expect(!chunks[0].hasPrefix("… ") && chunks.dropFirst().allSatisfy { $0.hasPrefix("… ") })
        #expect(chunks.allSatisfy { $0.utf8.count <= budget.privmsgPayloadBytes(target: "bruno") })
        #expect(chunks.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst(2)) }.joined() == text)
        #expect(try budget.splitForPRIVMSG("short", target: "bruno", continuation: "… ") == ["short"])
    }

    @Test("empty or control-only text gives no chunks; short text one unchanged chunk")
    func trivial() throws {
        #expect(try IRCText.split("", maxUTF8Bytes: 10).isEmpty)
        #expect(try IRCText.split("\r\n\0", maxUTF8Bytes: 10).isEmpty)
        #expect(try IRCText.split("hello", maxUTF8Bytes: 10) == ["hello"])
        #expect(try IRCText.split("hello\r\n", maxUTF8Bytes: 5) == ["hello"])
    }

    @Test("prefers a space in the last quarter; the space ends the earlier chunk")
    func wordBoundary() throws {
        #expect(try IRCText.split("aaaaaaaa bbbbbbbb", maxUTF8Bytes: 12) == ["aaaaaaaa bbb", "bbbbb"])
        #expect(try IRCText.split("aaaaaaaaa bbbbbbb", maxUTF8Bytes: 12) == ["aaaaaaaaa ", "bbbbbbb"])
        // The space after "three" lies outside the last quarter (bytes 7–9), so that chunk is filled instead.
        #expect(try IRCText.split("one two three four", maxUTF8Bytes: 9) == ["one two ", "three fou", "r"])
        // A no-break space is not a break point.
        #expect(try IRCText.split("aaaaaaaaa\u{A0}bbbbbbb", maxUTF8Bytes: 12) == ["aaaaaaaaa\u{A0}b", "bbbbbb"])
    }

    @Test("a space followed by a combining mark is one character and not a break point")
    func spaceWithMark() throws {
        let text = "aaaaaaaaa \u{301}bbbbbbb"
        let chunks = try IRCText.split(text, maxUTF8Bytes: 12)
        #expect(chunks.joined() == text)
        #expect(chunks.first == "aaaaaaaaa \u{301}")
    }

    @Test(
        "never splits a ZWJ family, a flag, a keycap or an accented letter",
        arguments: [
            "👨‍👩‍👧‍👦", "🇫🇷", "1️⃣", "e\u{301}\u{323}", "क्षि", "👩🏽‍❤️‍💋‍👨🏿",
        ])
    func clusters(_ cluster: String) throws {
        let size = cluster.utf8.count
        let text = String(repeating: cluster, count: 7)
        for budget in max(4, size)...(size * 3) {
            let chunks = try IRCText.split(text, maxUTF8Bytes: budget)
            #expect(chunks.joined() == text)
            #expect(chunks.allSatisfy { $0.utf8.count <= budget && $0.count > 0 && $0.utf8.count % size == 0 })
        }
    }

    @Test("one grapheme of 10,000 combining marks is cut between scalars, without crashing")
    func giantCluster() throws {
        let zalgo = "e" + String(repeating: "\u{301}", count: 10_000)
        #expect(zalgo.count == 1)
        let text = "before " + zalgo + " after"
        let chunks = try IRCText.split(text, maxUTF8Bytes: 384)
        #expect(chunks.allSatisfy { $0.utf8.count <= 384 && !$0.isEmpty })
        #expect(chunks.joined().utf8.elementsEqual(text.utf8))
        #expect(chunks.first == "before ")
        #expect(chunks.last == " after")
    }

    @Test("a budget below one scalar is refused rather than looping or overflowing")
    func tinyBudget() {
        #expect(throws: IRCSplitError(maxUTF8Bytes: 3)) { try IRCText.split("abc", maxUTF8Bytes: 3) }
        let budget = IRCLineBudget(nickLength: 30)
        #expect(throws: IRCSplitError.self) {
            try budget.splitForPRIVMSG("hi", target: "#" + String(repeating: "c", count: 400))
        }
    }

    @Test("prefix keeps whole characters within a byte budget")
    func prefix() {
        #expect(IRCText.prefix("héllo", maxUTF8Bytes: 2) == "h")
        #expect(IRCText.prefix("héllo", maxUTF8Bytes: 3) == "hé")
        #expect(IRCText.prefix("👨‍👩‍👧", maxUTF8Bytes: 10) == "")
        #expect(IRCText.prefix("abc", maxUTF8Bytes: -1) == "")
        #expect(IRCText.prefix("abc", maxUTF8Bytes: 3) == "abc")
    }
}
