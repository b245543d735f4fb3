import Foundation
import Testing

@testable import IRC

/// Random replies of every script the helpline sees, to check the splitter's promises at scale.
enum ReplyGenerator {
    static let ascii = [
        "help", "payment", "account", "the", "worker", "task", "Hello", "HIT", "rejected", "a", "I",
        "1234", "?", "!", ",", ".", "https://example.org/x?y=1", ":", "—",
    ]
    static let spaces = [" ", " ", " ", " ", "  ", "\t", "\u{00A0}"]
    static let emoji = ["😀", "👍🏽", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "🇮🇳", "1️⃣", "❤️", "🧑🏿‍🤝‍🧑🏻", "👩🏽‍❤️‍💋‍👨🏿"]
    static let arabic = ["مرحبا", "عامل", "مساعدة", "الدفع", "شكرا", "\u{200F}", "مُسَاعَدَة", "٣٤٥"]
    static let devanagari = ["नमस्ते", "सहायता", "भुगतान", "क्षमा", "श्रमिक", "धन्यवाद", "कृपया"]
    static let other = ["你好", "こんにちは", "안녕하세요", "Привет", "ḁ̶̧", "ß", "Ω"]
    static let marks: [Unicode.Scalar] = ["\u{0301}", "\u{0308}", "\u{0323}", "\u{0330}", "\u{036F}", "\u{20DD}"]
    /// Sanitised away, so the splitter must work on the cleaned text.
    static let hostile = ["\r\n", "\0", "\u{01}", "\u{202E}", "\u{85}", "\u{2028}", "\u{03}4,5", "\u{1B}[31m"]

    /// A reply of roughly `bytes` bytes of UTF-8 (0–20 KB), mixing words, spaces and every category above.
    static func reply(bytes: Int, using random: inout SplitMix64) -> String {
        var text = ""
        while text.utf8.count < bytes {
            switch random.below(100) {
            case 0..<30: text += random.pick(ascii)
            case 30..<55: text += random.pick(spaces)
            case 55..<65: text += random.pick(emoji)
            case 65..<73: text += random.pick(arabic)
            case 73..<81: text += random.pick(devanagari)
            case 81..<87: text += random.pick(other)
            case 87..<95:
                var cluster = String.UnicodeScalarView(["e"])
                for _ in 0..<1 + random.below(6) {
                    cluster.append(random.pick(marks))
                }
                text += String(cluster)
            case 95..<98:
                // A long unbroken word, so some chunks must end without a space.
                text += String(repeating: "x", count: 50 + random.below(551))
            default: text += random.pick(hostile)
            }
        }
        return text
    }
}

@Suite("Splitting replies for PRIVMSG")
struct SplitPropertyTests {
    /// 100,000 random replies (~1 GB of text) take minutes in a debug build, so the full run is opt-in with
    /// `ENTRAIDE_LONG_TESTS=1`; the default 5,000 cases take a few seconds and cover the same generator.
    static let caseCount = ProcessInfo.processInfo.environment["ENTRAIDE_LONG_TESTS"] == "1" ? 100_000 : 5_000

    /// Worst-case relay prefix for NICKLEN 30: `:` + 30 + `!` + 10 + `@` + 63 + ` ` = 107 bytes.
    static let relayPrefix =
        ":" + String(repeating: "N", count: 30) + "!" + String(repeating: "u", count: 10) + "@"
        + String(repeating: "h", count: 63) + " "

    struct Tally {
        var cases = 0, chunks = 0, maxLineBytes = 0, overBudget = 0
        var invalidUTF8 = 0, splitGraphemes = 0, joinMismatches = 0, emptyChunks = 0
        var firstFailure: Int?
    }

    @Test("random replies: lines ≤ 512 bytes, valid UTF-8, no split grapheme, chunks join back")
    func randomReplies() throws {
        let budget = IRCLineBudget(nickLength: 30)
        let targets = ["#entraide-aide", "volunteer_with_a_long_nick", "#a"]
        var tally = Tally()
        for caseIndex in 0..<Self.caseCount {
            // One generator per case: case N reproduces alone with seed N.
            var random = SplitMix64(seed: UInt64(caseIndex))
            let target = targets[caseIndex % targets.count]
            let text = ReplyGenerator.reply(bytes: random.below(20_481), using: &random)
            let before = tally
            try check(text, target: target, budget: budget, fullWalk: caseIndex % 10 == 0, tally: &tally)
            if tally.firstFailure == nil, !Self.sameFailures(before, tally) {
                tally.firstFailure = caseIndex
            }
        }
        #expect(tally.maxLineBytes <= 512)
        #expect(tally.overBudget == 0)
        #expect(tally.invalidUTF8 == 0)
        #expect(tally.splitGraphemes == 0)
        #expect(tally.joinMismatches == 0)
        #expect(tally.emptyChunks == 0)
        #expect(tally.firstFailure == nil, "reproduce with seed \(tally.firstFailure ?? -1)")
        #expect(tally.chunks > tally.cases)
    }

    static func sameFailures(_ a: Tally, _ b: Tally) -> Bool {
        a.overBudget == b.overBudget && a.invalidUTF8 == b.invalidUTF8 && a.splitGraphemes == b.splitGraphemes
            && a.joinMismatches == b.joinMismatches && a.emptyChunks == b.emptyChunks && b.maxLineBytes <= 512
    }

    func check(_ text: String, target: String, budget: IRCLineBudget, fullWalk: Bool, tally: inout Tally) throws {
        let clean = IRCText.sanitize(text)
        let chunks = try budget.splitForPRIVMSG(text, target: target)
        let limit = budget.privmsgPayloadBytes(target: target)
        tally.cases += 1
        tally.chunks += chunks.count

        // Byte-wise: `String ==` would accept a canonically equivalent but different text.
        if !Self.sameUTF8(chunks.joined(), clean) { tally.joinMismatches += 1 }

        // Every chunk end must be a Character boundary of the whole cleaned text. `String.Index(_:within:)` checks
        // one position; every tenth case also walks all characters forwards, a check independent of the splitter.
        let walked = fullWalk ? Self.characterBoundaries(clean) : nil
        var end = clean.startIndex
        for chunk in chunks {
            let size = chunk.utf8.count
            if size == 0 { tally.emptyChunks += 1 }
            if size > limit { tally.overBudget += 1 }
            end = clean.utf8.index(end, offsetBy: size)
            if String.Index(end, within: clean) == nil { tally.splitGraphemes += 1 }
            if let walked, !walked.contains(clean.utf8.distance(from: clean.startIndex, to: end)) {
                tally.splitGraphemes += 1
            }

            let message = try IRCMessage(command: "PRIVMSG", params: [target, chunk])
            let line = Array((Self.relayPrefix + message.serialize() + "\r\n").utf8)
            tally.maxLineBytes = max(tally.maxLineBytes, line.count)
            if String(validating: line, as: UTF8.self) == nil { tally.invalidUTF8 += 1 }
        }
    }

    /// Byte equality through `memcmp`: `elementsEqual` alone took a third of this test's time in debug builds.
    static func sameUTF8(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                guard let p = x.baseAddress, let q = y.baseAddress else { return true }  // both empty
                return memcmp(p, q, x.count) == 0
            }
        }
    }

    /// The UTF-8 offsets at which a character ends, found by walking the string forwards.
    static func characterBoundaries(_ text: String) -> Set<Int> {
        var boundaries = Set<Int>()
        var index = text.startIndex
        while index < text.endIndex {
            index = text.index(after: index)
            boundaries.insert(text.utf8.distance(from: text.startIndex, to: index))
        }
        return boundaries
    }

    @Test("the grapheme check itself rejects positions inside a cluster")
    func checkerSanity() {
        let family = "a👨‍👩‍👧b"
        let insideZWJ = family.utf8.index(family.utf8.startIndex, offsetBy: 5)  // after 👨
        #expect(String.Index(insideZWJ, within: family) == nil)
        #expect(!Self.characterBoundaries(family).contains(5))
        let accent = "e\u{301}x"
        #expect(String.Index(accent.utf8.index(after: accent.utf8.startIndex), within: accent) == nil)
    }
}
