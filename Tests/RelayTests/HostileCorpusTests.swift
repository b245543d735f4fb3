import Foundation
import PollProtocol
import Relay
import TestSupport
import Testing
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// A corpus of hostile messages through both gateways of a real `entraide serve`: raw bytes on
/// the IRC wire (invalid UTF-8, overlong sequences, C0/C1 controls, ANSI escapes, colour codes,
/// bidi overrides, zero-width characters) and JSON bodies at the relay's webhook (the same as
/// escapes, a 1 MiB body, 10,000 combining marks, duplicate keys, lone surrogates). No crash;
/// every sender of an accepted message gets an answer; what the bot sends carries no NUL or
/// control character; the log stays one record per line.
@Suite(.serialized, .enabled(if: ngircdPath() != nil, "ngircd is not installed: scripts/bootstrap installs it"))
struct HostileCorpusTests {
    static let ircCorpus: [[UInt8]] = [
        [0x68, 0x69, 0xFF, 0xFE, 0x21],  // "hi" then bytes that are never UTF-8
        [0xC0, 0xAF, 0x2E, 0x2E, 0xC0, 0xAF],  // overlong "/" (the path-traversal classic)
        [0xED, 0xA0, 0x80, 0x61],  // an encoded surrogate
        [0xE2, 0x82],  // a truncated sequence at the end of the line
        Array("\u{1B}[31mred\u{1B}[0m \u{1B}]0;title\u{07}".utf8),  // ANSI colour and a terminal title
        Array("\u{03}4,1colour\u{02}bold\u{0F}\u{16}\u{1D}\u{1F}".utf8),  // IRC formatting codes
        Array("\u{01}DCC SEND evil 2130706433 6667 1\u{01}".utf8),  // CTCP DCC in a private message
        Array("\u{202E}gnp.exe\u{202C} \u{2066}isolate\u{2069}".utf8),  // bidi override and isolate
        Array("\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}zero width".utf8),
        Array("c1: \u{85}\u{8D}\u{9B}31m \u{9C} c0: \u{07}\u{08}\u{0B}\u{0C}\u{7F}".utf8),
        Array(("a" + String(repeating: "\u{301}", count: 200)).utf8),  // as many combining marks as a line holds
    ]

    @Test(.timeLimit(.minutes(5))) func hostileInputThroughBothGatewaysCrashesNothingAndIsAnswered() async throws {
        let directory = try temporaryDirectory("hostile")
        let relay = try RelayUnderTest()
        defer { relay.process.stop() }
        let ircd = try startNgircd(relaxedFlood: true)
        defer { ircd.stop() }
        let serve = try ServeUnderTest(
            configuration: """
                log_level: debug
                irc:
                  host: 127.0.0.1
                  port: \(ircd.port)
                  burst: 100
                  line_interval_ms: 0

                """ + (try relay.httpConfiguration(in: directory, ["poll_wait_seconds: 1"])),
            directory: directory)
        defer { serve.kill() }
        let output = serve.output
        #expect(try await output.waitFor("irc.registered"), "serve said: \(output.text.suffix(1000))")

        // IRC: one worker, raw bytes on the wire (a real socket, not our own client, which refuses to send them).
        let corpusFile = directory.appendingPathComponent("corpus.hex")
        try Self.ircCorpus.map { $0.map { String(format: "%02x", $0) }.joined() }.joined(separator: "\n")
            .write(to: corpusFile, atomically: true, encoding: .utf8)
        let repliesFile = directory.appendingPathComponent("irc-replies.jsonl")
        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        worker.arguments = [
            "python3", repositoryRoot.appendingPathComponent("Tests/Support/irc_raw_worker.py").path, "\(ircd.port)", "rawworker",
            corpusFile.path, repliesFile.path, "90",
        ]
        try worker.run()

        // HTTP: hostile bodies at the relay's webhook while the IRC worker writes.
        let loop = try CurlEventLoop()
        defer { loop.shutdown() }
        func post(_ body: [UInt8]) async throws -> Int {
            let signature = Signature(secrets: [RelayUnderTest.inboundSecret]).sign(body, timestamp: Int64(Date().timeIntervalSince1970))
            return try await loop.execute(
                HTTPRequest(
                    method: .post, url: "\(relay.baseURL)/inbound",
                    headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader(Signature.headerName, signature)],
                    body: body, totalTimeout: .seconds(20))
            ).status
        }
        func json(_ id: Int, _ text: String) -> [UInt8] {
            Array(try! JSONEncoder().encode(InboundSubmission(id: "x\(id)", from: "+4470000\(id)", text: text)))
        }
        let escaped = [
            "nul\u{0}in the middle", "\u{1B}[2J\u{1B}[Hcleared screen", "\u{03}4red\u{0F}", "\u{202E}reversed\u{202C}",
            "\u{200B}\u{FEFF}zero width", "c1 \u{85}\u{9B}31m", "c0 \u{01}\u{07}\u{08}\u{1F}\u{7F}", "line\r\nbreak\rand\nmore",
            "a" + String(repeating: "\u{301}", count: 10_000),  // 10,000 combining marks (20 KB)
            String(repeating: "long message ", count: 4_000),  // 52 KB: under the relay's cap, over the bot's
        ]
        var accepted: [String] = []
        for (index, text) in escaped.enumerated() {
            let status = try await post(json(index, text))
            #expect(status == 200, "message \(index) refused: \(status)")
            if status == 200 { accepted.append("+4470000\(index)") }
        }
        // Bodies the relay must refuse with a clear status, not store.
        let refusals: [(String, [UInt8], Int)] = [
            ("invalid UTF-8", Array(#"{"id":"r1","from":"+44800001","text":"bad "#.utf8) + [0xFF, 0xC0, 0xAF] + Array(#""}"#.utf8), 400),
            ("lone surrogate", Array(#"{"id":"r2","from":"+44800002","text":"\ud800"}"#.utf8), 400),
            ("1 MiB body", json(99, String(repeating: "x", count: 1 << 20)), 413),
        ]
        for (name, body, expected) in refusals {
            let status = try await post(body)
            #expect(status == expected, "\(name): \(status)")
        }
        // Duplicate keys: either refused or read one way; whichever, no crash and at most one message.
        let duplicate = try await post(Array(#"{"id":"dup","from":"+44800003","from":"+44800004","text":"hello","text":"hi"}"#.utf8))
        #expect([200, 400].contains(duplicate))

        // Every accepted HTTP sender is answered; nothing the bot sent carries NUL.
        let relayStore = try RelayStore(path: relay.storePath, fullSync: false)
        let deadline = ContinuousClock.now + .seconds(60)
        var answered = Set<String>()
        while !Set(accepted).isSubset(of: answered), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            answered = Set(try relayStore.allReplies().map(\.message.to))
        }
        #expect(Set(accepted).isSubset(of: answered), "unanswered: \(Set(accepted).subtracting(answered))")
        let httpReplies = try relayStore.allReplies()
        #expect(httpReplies.allSatisfy { !$0.message.text.unicodeScalars.contains { $0.value == 0 } })
        // The long ones were cut and the worker was told (SystemMessage.tooLong).
        #expect(httpReplies.contains { $0.message.to == "+44700009" && $0.message.text.contains("long") })

        worker.waitUntilExit()
        let ircReplies = ((try? String(contentsOf: repliesFile, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
        }
        let payloads = ircReplies.compactMap { $0["hex"].flatMap(Self.bytes(hex:)) }
        // Every message is answered but the DCC offer: a CTCP request, not words, and never accepted.
        #expect(payloads.count >= Self.ircCorpus.count - 1, "IRC replies: \(payloads.count) for \(Self.ircCorpus.count) messages")
        // Valid UTF-8, no C0 control (formatting included), no C1 control, no bidi override.
        for payload in payloads {
            let text = String(validating: payload, as: UTF8.self)
            #expect(text != nil)
            #expect(!(text ?? "").unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value) })
        }
        #expect(serve.process.isRunning, "serve died: \(output.text.suffix(1000))")
        // One record per line, whatever came in: every line of the log starts with its timestamp.
        let lines = output.text.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("20") }, "a forged log line: \(lines.first { !$0.hasPrefix("20") } ?? "")")
        print(
            "hostile corpus: \(Self.ircCorpus.count) raw IRC messages → \(payloads.count) reply lines, all valid UTF-8 without"
                + " controls; \(escaped.count) JSON messages accepted and answered; \(refusals.count) bodies refused (400/400/413);"
                + " duplicate keys → \(duplicate); \(lines.count) log lines, each one record; serve alive")
    }

    static func bytes(hex: String) -> [UInt8]? {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}
