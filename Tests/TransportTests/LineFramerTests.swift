import Testing
@testable import Transport

@Suite struct LineFramerTests {
    private func frame(_ chunks: [[UInt8]], max: Int = 512) -> [LineFramer.Output] {
        var framer = LineFramer(maxLineBytes: max)
        var out: [LineFramer.Output] = []
        for chunk in chunks { framer.feed(chunk) { out.append($0) } }
        return out
    }

    @Test func splitsOnCRLFAndBareLF() {
        let out = frame([Array("PING :a\r\nPONG :b\nNOTICE x\r\n".utf8)])
        #expect(out == [.line("PING :a"), .line("PONG :b"), .line("NOTICE x")])
    }

    @Test func oneByteAtATimeGivesTheSameLines() {
        let input = Array("first line\r\nsecond\r\n\r\nthird é ✓\r\npartial".utf8)
        let whole = frame([input])
        let bytewise = frame(input.map { [$0] })
        #expect(bytewise == whole)
        #expect(whole.count == 4)  // the unterminated "partial" stays buffered
    }

    @Test func overlongLineIsDroppedAndTheNextOneSurvives() {
        let long = [UInt8](repeating: UInt8(ascii: "a"), count: 2000)
        let out = frame([long + Array("\r\nok\r\n".utf8)], max: 512)
        #expect(out.count == 2)
        guard case .overlong(let count) = out[0] else {
            Issue.record("expected an overlong report, got \(out[0])")
            return
        }
        #expect(count >= 2000)
        #expect(out[1] == .line("ok"))
    }

    @Test func theLimitCountsNeitherCRNorLF() {
        // A line of exactly the limit ends in CR LF on the wire: it passes; one byte more does not.
        #expect(frame([Array("12345678\r\n".utf8)], max: 8) == [.line("12345678")])
        #expect(frame([Array("12345678\n".utf8)], max: 8) == [.line("12345678")])
        #expect(frame([Array("123456789\r\n".utf8)], max: 8) == [.overlong(byteCount: 10)])
        #expect(frame(Array("123456789\r\nok\r\n".utf8).map { [$0] }, max: 8) == [.overlong(byteCount: 10), .line("ok")])
    }
}
