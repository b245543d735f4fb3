import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import Logging
import Testing

/// Per-worker rate limits: a flood is acknowledged but not read, its sender is told once, other
/// workers are untouched, and memory stays bounded however many addresses a flood comes from.
@Suite struct RateLimitTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aBurstIsReadThenTheRateThenOneNoticeAPeriod() {
        let limit = SenderRateLimit(policy: RateLimitPolicy(burst: 5, perMinute: 60, noticeInterval: 300))
        let burst = (0..<5).map { _ in limit.admit("w", at: start) }
        #expect(burst.allSatisfy { $0 == .read })
        #expect(limit.admit("w", at: start) == .refuse(tell: true))
        #expect(limit.admit("w", at: start.addingTimeInterval(0.5)) == .refuse(tell: false))
        // One token a second comes back.
        #expect(limit.admit("w", at: start.addingTimeInterval(1.5)) == .read)
        #expect(limit.admit("w", at: start.addingTimeInterval(1.6)) == .refuse(tell: false))
        // Told again only once the notice interval has passed.
        #expect(limit.admit("w", at: start.addingTimeInterval(301)) == .read)
        for _ in 0..<4 { _ = limit.admit("w", at: start.addingTimeInterval(301)) }
        #expect(limit.admit("w", at: start.addingTimeInterval(301)) == .refuse(tell: true))
        // Another worker has a bucket of their own.
        #expect(limit.admit("other", at: start.addingTimeInterval(301)) == .read)
    }

    @Test func aHundredThousandAddressesKeepTheTableBounded() {
        let limit = SenderRateLimit(policy: RateLimitPolicy(burst: 2, perMinute: 6, trackedSenders: 1_000))
        var peak = 0
        for index in 0..<100_000 {
            #expect(limit.admit("flood-\(index)", at: start.addingTimeInterval(Double(index) / 1_000)) == .read)
            peak = max(peak, limit.trackedCount)
        }
        #expect(peak <= 1_000)
        // A worker still over the limit is remembered while the idle ones are forgotten first.
        let busy = SenderRateLimit(policy: RateLimitPolicy(burst: 1, perMinute: 1, trackedSenders: 100))
        _ = busy.admit("busy", at: start)
        for index in 0..<99 { _ = busy.admit("idle-\(index)", at: start.addingTimeInterval(-120)) }
        _ = busy.admit("newcomer", at: start.addingTimeInterval(1))
        #expect(busy.admit("busy", at: start.addingTimeInterval(2)) == .refuse(tell: true))
    }

    /// One sender at 100 messages a second for 60 s, beside 100 workers writing every 5 s, with a
    /// clock moved by hand: the flood is read up to the limit and told once; everyone else is read.
    @Test func aFloodIsCutAndToldOnceWhileOthersAreRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-limit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try CaseStore(path: directory.appendingPathComponent("l.sqlite").path, durability: .normal)
        let logger = Logger(label: "test")
        let policy = RateLimitPolicy(burst: 20, perMinute: 30, noticeInterval: 300)
        let helpline = Helpline(
            store: store, library: try AnswerLibrary(directory: HelplineEngineTests.intents, logger: logger),
            pseudonymizer: Pseudonymizer(key: Array(repeating: 3, count: 32)), defaultLanguage: .en, logger: logger,
            rateLimit: policy)
        var floodRead = 0, floodRefused = 0, othersRead = 0, othersRefused = 0
        for tick in 0..<6_000 {  // 10 ms apart: 100 a second for 60 s
            let now = start.addingTimeInterval(Double(tick) / 100)
            let flood = try helpline.receive(
                InboundMessage(channel: "irc", messageID: "f\(tick)", address: "flooder", text: "spam \(tick)"), at: now)
            if case .stored = flood { floodRead += 1 } else { #expect(flood == .refused); floodRefused += 1 }
            if tick % 500 == 0 {  // every 5 s, each of 100 workers writes once
                for worker in 0..<100 {
                    let outcome = try helpline.receive(
                        InboundMessage(channel: "irc", messageID: "w\(worker)-\(tick)", address: "worker\(worker)", text: "hello"), at: now)
                    if case .stored = outcome { othersRead += 1 } else { othersRefused += 1 }
                }
            }
        }
        // The burst, then 30 a minute for the minute: 20 + 30 (± the token in flight at the end).
        #expect(floodRead >= 49 && floodRead <= 51)
        #expect(floodRefused == 6_000 - floodRead)
        #expect(othersRead == 1_200 && othersRefused == 0)
        // The refused messages' ids are kept (a redelivery is a duplicate), not their words.
        #expect(try helpline.receive(InboundMessage(channel: "irc", messageID: "f5999", address: "flooder", text: "x")) == .duplicate)

        try helpline.processPending()
        let outbox = try store.pendingOutbox(channel: "irc", limit: 100_000)
        let toFlooder = outbox.filter { $0.address == "flooder" }
        let notice = SystemMessage.slowDown.text(in: .en)
        #expect(toFlooder.filter { $0.text == notice }.count == 1)
        // Replies only to what was read (an answer may take two messages: the answer and a hint).
        let answered = Set(toFlooder.filter { $0.key.hasPrefix("inbox-") }.map { $0.key.split(separator: "-")[1] })
        #expect(answered.count == floodRead)
        #expect(toFlooder.filter { $0.key.hasPrefix("refused-") }.count == 1)
        #expect(Set(outbox.map(\.address)).count == 101)
    }
}
