import Testing

@testable import IRC

@Suite("IRCText.sanitize")
struct SanitizeTests {
    @Test(
        "removes framing bytes, C0/C1 controls, bidi controls and line separators; keeps TAB",
        arguments: [
            ("a\rb\nc\0d", "abcd"),
            ("\u{02}bold\u{02} \u{03}4,5red\u{0F}", "bold 4,5red"),
            ("tab\tkept", "tab\tkept"),
            ("del\u{7F}", "del"),
            ("nel\u{85}csi\u{9B}", "nelcsi"),
            ("\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}x\u{2066}\u{2067}\u{2068}\u{2069}", "x"),
            ("line\u{2028}para\u{2029}", "linepara"),
            ("\u{01}VERSION\u{01}", "VERSION"),
            ("", ""),
        ])
    func removes(_ input: String, _ expected: String) {
        #expect(IRCText.sanitize(input).unicodeScalars.elementsEqual(expected.unicodeScalars))
    }

    @Test(
        "leaves ordinary text of every script byte-for-byte alone",
        arguments: [
            "Hello, world", "مرحبا \u{200F}بك", "नमस्ते क्षमा", "👩🏽‍💻 👨‍👩‍👧‍👦 🇫🇷 1️⃣", "e\u{301}\u{308}", "nbsp\u{A0}x",
            "…—“quotes”", "\u{200E}\u{061C}", "你好", "a\u{2060}b",
        ])
    func keeps(_ input: String) {
        #expect(IRCText.sanitize(input).utf8.elementsEqual(input.utf8))
    }

    @Test("the CTCP delimiter survives only when allowed")
    func ctcpOptIn() {
        #expect(IRCText.sanitize("\u{01}PING 1\u{01}", allowCTCP: true) == "\u{01}PING 1\u{01}")
        #expect(IRCText.sanitize("\u{01}PING\r\n1\u{01}", allowCTCP: true) == "\u{01}PING1\u{01}")
        #expect(IRCText.sanitizedParameter("\u{01}PING 1\u{01}") == "PING 1")
    }

    @Test("the byte-level scan agrees with the scalar rule on every scalar up to U+FFFF", arguments: [false, true])
    func byteScanMatchesScalarRule(allowCTCP: Bool) {
        var disagreements: [UInt32] = []
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
            // Embedded in text, at the end, and alone, to exercise the 8-byte word scan and the tail loop.
            for text in ["abcdefgh\(scalar)ijklmnop", "abcdefghij\(scalar)", "\(scalar)"] {
                let expected = String(
                    String.UnicodeScalarView(
                        text.unicodeScalars.filter {
                            !IRCText.isRemoved($0, allowCTCP: allowCTCP)
                        }))
                if !IRCText.sanitize(text, allowCTCP: allowCTCP).utf8.elementsEqual(expected.utf8) {
                    disagreements.append(value)
                }
            }
        }
        #expect(disagreements.isEmpty, "first: \(disagreements.prefix(5))")
    }

    @Test("sanitising is idempotent and works on substrings")
    func idempotent() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let text = ReplyGenerator.reply(bytes: random.below(300), using: &random)
            let once = IRCText.sanitize(text)
            #expect(IRCText.sanitize(once).utf8.elementsEqual(once.utf8))
            let sub = text.dropFirst(random.below(5))
            #expect(IRCText.sanitize(sub).utf8.elementsEqual(IRCText.sanitize(String(sub)).utf8))
        }
    }
}
