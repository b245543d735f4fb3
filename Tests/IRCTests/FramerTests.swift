import Testing

@testable import IRC
import Transport

@Suite("IRC lines through the production framer")
struct FramerTests {
    /// Every msg-split vector plus lines that stress framing: LF-only endings, multi-byte UTF-8, a bad line.
    static let stream: [UInt8] = {
        var text = Vectors.split.map { $0.input + "\r\n" }.joined()
        text += "PING :lf-only\n"
        text += ":nick!u@h PRIVMSG #aide :مرحبا 👩🏽‍💻 नमस्ते e\u{301}\r\n"
        text += ":\r\n"  // bad: empty source
        text += "\r\n\n"  // empty lines
        text += "PONG :after\r\n"
        return Array(text.utf8)
    }()

    @Test("one byte at a time gives the same outcomes as the whole buffer")
    func oneByteAtATime() {
        let whole = frame(Self.stream)
        let bytewise = frame(Self.stream, pieceSizes: [1])
        #expect(whole.count == Vectors.split.count + 4)
        #expect(bytewise == whole)
    }

    @Test("random piece sizes give the same outcomes as the whole buffer", arguments: 1...20)
    func randomPieces(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let sizes = (0..<64).map { _ in Int.random(in: 1...40, using: &random) }
        #expect(frame(Self.stream, pieceSizes: sizes) == frame(Self.stream))
    }

    @Test("a bad line yields one error and the next line is still parsed")
    func badLineThenGood() throws {
        let bytes = Array(":\r\n@a=b\r\n12 x\r\nPRIV;MSG x\r\nPING :still here\r\n".utf8)
        let out = frame(bytes)
        #expect(out.count == 5)
        #expect(
            out.prefix(4) == [
                .error(.invalidSource), .error(.missingCommand), .error(.invalidCommand),
                .error(.invalidCommand),
            ])
        #expect(out.last == .message(try IRCMessage(command: "PING", params: ["still here"])))
    }

    @Test("an over-long line yields exactly one error, is skipped, and the framer recovers", arguments: [1, 7, 4096])
    func overlongLine(pieceSize: Int) throws {
        let long = ":n PRIVMSG #c :" + String(repeating: "a", count: 20_000)
        let bytes = Array((long + "\r\nPING :ok\r\n").utf8)
        let out = frame(bytes, pieceSizes: [pieceSize])
        #expect(
            out == [
                .error(.lineTooLong(limit: IRCMessage.maximumLineBytes)),
                .message(try IRCMessage(command: "PING", params: ["ok"])),
            ])
    }

    @Test("a line of exactly the limit passes, one byte more does not, a CR does not count")
    func limitBoundary() {
        let limit = 12
        let exact = Array("PING :123456\r\n".utf8)  // 12 bytes before CR LF
        let over = Array("PING :1234567\n".utf8)  // 13 bytes
        let exactLF = Array("PING :123456\n".utf8)
        #expect(frame(exact, maxLineBytes: limit).count == 1)
        #expect(frame(exactLF, maxLineBytes: limit).count == 1)
        if case .message = frame(exact, maxLineBytes: limit).first {} else { Issue.record("exact limit rejected") }
        #expect(frame(over, maxLineBytes: limit) == [.error(.lineTooLong(limit: limit))])
        #expect(frame(over, pieceSizes: [1], maxLineBytes: limit) == [.error(.lineTooLong(limit: limit))])
    }

    @Test("invalid UTF-8 is decoded with replacement characters, never dropped or crashing")
    func invalidUTF8() throws {
        var bytes = Array("PRIVMSG #c :caf".utf8)
        bytes += [0xE9, 0xFF, 0xC3]  // Latin-1 é, an impossible byte, a truncated sequence
        bytes += Array(" ok\r\n".utf8)
        let out = frame(bytes)
        #expect(
            out == [.message(try IRCMessage(command: "PRIVMSG", params: ["#c", "caf\u{FFFD}\u{FFFD}\u{FFFD} ok"]))])
    }

    @Test("empty lines are ignored and a partial line waits for its LF")
    func emptyAndPartial() {
        var framer = LineFramer(maxLineBytes: IRCMessage.maximumLineBytes)
        var out: [Framed] = []
        let limit = framer.maxLineBytes
        framer.feed(Array("\r\n\n\r\nPING :a".utf8)) { out += Framed.outcomes($0, limit: limit) }
        #expect(out.isEmpty)
        #expect(framer.hasPartialLine)
        framer.feed(Array("b\r".utf8)) { out += Framed.outcomes($0, limit: limit) }
        #expect(out.isEmpty)
        framer.feed([UInt8(ascii: "\n")]) { out += Framed.outcomes($0, limit: limit) }
        #expect(out.count == 1)
        #expect(!framer.hasPartialLine)
        if case .message(let message) = out.first {
            #expect(message.params == ["ab"])
        }
    }

    @Test("a bare CR inside a line does not end it (servers end lines at LF)")
    func bareCR() throws {
        let out = frame(Array("PRIVMSG #c :a\rb\r\n".utf8))
        #expect(out == [.message(try IRCMessage(command: "PRIVMSG", params: ["#c", "a\rb"]))])
    }
}
