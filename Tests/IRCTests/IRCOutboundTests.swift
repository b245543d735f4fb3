import Testing
@testable import IRC

/// The outbound machine driven with an advancing `now` in milliseconds: no server, no sleep. Every path of a
/// delivery: paced sending, proof by PING/PONG, the bound on what is unproven, a silent server, a frozen one, a
/// recipient who is gone, and a reconnect.
@Suite struct IRCOutboundTests {
    let t0 = ContinuousClock.now

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { t0 + .milliseconds(milliseconds) }

    /// Fast pacing, so that most tests are about proofs, not about the bucket.
    static let quick = IRCOutbound<Int>.Configuration(burst: 100, lineInterval: .milliseconds(10))

    /// Everything `next` sends at `now`, and the step it stopped on.
    func drain(_ outbound: inout IRCOutbound<Int>, at now: ContinuousClock.Instant) -> (lines: [String], stop: String) {
        var lines: [String] = []
        while true {
            switch outbound.next(now: now) {
            case .send(let message): lines.append(message.serialize())
            case .wait(let duration): return (lines, "wait \(duration)")
            case .waitForProof: return (lines, "waitForProof")
            case .idle: return (lines, "idle")
            }
        }
    }

    func pingToken(_ line: String) -> String? {
        line.hasPrefix("PING ") ? String(line.dropFirst(5)) : nil
    }

    @Test func aReplyIsDeliveredOnlyByThePongOfAPingSentAfterIt() throws {
        var outbound = IRCOutbound<Int>(configuration: Self.quick, now: t0)
        outbound.enqueue(["hello"], to: "worker", source: 1)
        let (lines, stop) = drain(&outbound, at: at(0))
        #expect(lines.count == 2)
        #expect(lines.first == "PRIVMSG worker hello")
        let token = try #require(lines.last.flatMap(pingToken))
        #expect(stop == "idle")
        #expect(outbound.unproven == 1)
        let stranger = outbound.pong("someone-else", now: at(5))
        #expect(stranger == nil)
        let proven = outbound.pong(token, now: at(5))
        let proof = try #require(proven)
        #expect(proof.deliveries.map(\.source) == [1])
        #expect(proof.deliveries.allSatisfy { $0.reached })
        #expect(outbound.unproven == 0 && outbound.isEmpty)
        // The same PONG again proves nothing more.
        let again = outbound.pong(token, now: at(6))
        #expect(again == nil)
    }

    @Test func anItemOfSeveralLinesIsProvenOnceAfterItsLastLine() throws {
        var outbound = IRCOutbound<Int>(configuration: Self.quick, now: t0)
        outbound.enqueue(["one", "two", "three"], to: "worker", source: 7)
        let (lines, _) = drain(&outbound, at: at(0))
        #expect(lines == ["PRIVMSG worker one", "PRIVMSG worker two", "PRIVMSG worker three", "PING entraide-ack-1"])
        let proof = outbound.pong("entraide-ack-1", now: at(1))
        #expect(try #require(proof).deliveries.map(\.source) == [7])
    }

    @Test func directAnswersNeedNoProof() {
        var outbound = IRCOutbound<Int>(configuration: Self.quick, now: t0)
        outbound.enqueue(["Refused: you are not logged in as a volunteer."], to: "stranger", source: nil)
        let (lines, stop) = drain(&outbound, at: at(0))
        #expect(lines == ["PRIVMSG stranger :Refused: you are not logged in as a volunteer."])
        #expect(stop == "idle")
        #expect(outbound.unproven == 0)
    }

    @Test func underASteadyLoadAProofIsAskedEveryFewItems() throws {
        // Not only when the queue runs dry: with 20 items queued, a PING follows every `proofEvery` (here with
        // room for all 20 unproven; the default bound is the next test's).
        var configuration = Self.quick
        configuration.maximumUnproven = 32
        var outbound = IRCOutbound<Int>(configuration: configuration, now: t0)
        for item in 0..<20 { outbound.enqueue(["reply \(item)"], to: "w\(item % 3)", source: item) }
        let (lines, _) = drain(&outbound, at: at(0))
        var itemsBetweenPings: [Int] = []
        var count = 0
        for line in lines {
            if pingToken(line) != nil {
                itemsBetweenPings.append(count)
                count = 0
            } else {
                count += 1
            }
        }
        #expect(itemsBetweenPings == [4, 4, 4, 4, 4])
    }

    @Test func byDefaultSixItemsGoOutUnprovenThenTheSenderWaits() throws {
        var outbound = IRCOutbound<Int>(configuration: Self.quick, now: t0)
        for item in 0..<20 { outbound.enqueue(["reply \(item)"], to: "w\(item % 3)", source: item) }
        let (lines, stop) = drain(&outbound, at: at(0))
        #expect(lines.filter { pingToken($0) == nil }.count == 6)
        #expect(lines.filter { pingToken($0) != nil }.count == 2, "a PING after the fourth item, and after the sixth")
        #expect(stop == "waitForProof")
    }

    @Test func aSlowDripIsProvenWithinTwoLineIntervals() throws {
        // One reply now, and the next only later: the first does not wait for three more to be proven.
        let configuration = IRCOutbound<Int>.Configuration(burst: 1, lineInterval: .milliseconds(100))
        var outbound = IRCOutbound<Int>(configuration: configuration, now: t0)
        outbound.enqueue(["first"], to: "a", source: 1)
        outbound.enqueue(["second"], to: "b", source: 2)
        let step1 = drain(&outbound, at: at(0))
        #expect(step1.lines == ["PRIVMSG a first"])
        // The bucket paces the second line; the proof of the first is due at 200 ms, not after four items.
        let step2 = drain(&outbound, at: at(100))
        #expect(step2.lines == ["PRIVMSG b second"])
        outbound.enqueue(["third"], to: "c", source: 3)
        let (lines, _) = drain(&outbound, at: at(200))
        #expect(lines == ["PING entraide-ack-1"])
        let proof = outbound.pong("entraide-ack-1", now: at(201))
        #expect(try #require(proof).deliveries.map(\.source) == [1, 2])
    }

    @Test func linesArePacedAfterTheBurst() {
        let configuration = IRCOutbound<Int>.Configuration(burst: 2, lineInterval: .milliseconds(500))
        var outbound = IRCOutbound<Int>(configuration: configuration, now: t0)
        outbound.enqueue(["a", "b", "c", "d"], to: "worker", source: nil)
        let first = drain(&outbound, at: at(0))
        #expect(first.lines == ["PRIVMSG worker a", "PRIVMSG worker b"])
        #expect(first.stop == "wait 0.5 seconds")
        let step3 = drain(&outbound, at: at(499))
        #expect(step3.lines.isEmpty)
        let step4 = drain(&outbound, at: at(500))
        #expect(step4.lines == ["PRIVMSG worker c"])
    }

    @Test func oneLongAnswerDoesNotHoldBackAnotherWorker() {
        var outbound = IRCOutbound<Int>(configuration: Self.quick, now: t0)
        outbound.enqueue(["1", "2", "3"], to: "long", source: nil)
        outbound.enqueue(["short"], to: "other", source: nil)
        let lines = drain(&outbound, at: at(0)).lines
        #expect(lines.prefix(2) == ["PRIVMSG long 1", "PRIVMSG other short"])
    }

    @Test func pastTheUnprovenBoundTheSenderWaitsForAPong() throws {
        let configuration = IRCOutbound<Int>.Configuration(burst: 1_000, lineInterval: .milliseconds(1), maximumUnproven: 8)
        var outbound = IRCOutbound<Int>(configuration: configuration, now: t0)
        for item in 0..<30 { outbound.enqueue(["r\(item)"], to: "w\(item)", source: item) }
        let (lines, stop) = drain(&outbound, at: at(0))
        #expect(stop == "waitForProof")
        #expect(lines.count { $0.hasPrefix("PRIVMSG") } == 8)
        #expect(outbound.unproven == 8)
        // Nothing more goes out however long the server takes, as long as it is heard from.
        outbound.heard(now: at(500))
        let step5 = drain(&outbound, at: at(500))
        #expect(step5.lines.isEmpty)
        let proven = outbound.pong("entraide-ack-1", now: at(600))
        let proof = try #require(proven)
        #expect(proof.resumesSending)
        #expect(proof.deliveries.map(\.source) == [0, 1, 2, 3])
        let step6 = drain(&outbound, at: at(600))
        #expect(step6.lines.count { $0.hasPrefix("PRIVMSG") } == 4)
    }

    @Test func afterASilenceTheServerMustAnswerAProbeBeforeStoredRepliesGoOut() throws {
        var outbound = IRCOutbound<Int>(configuration: Self.quick, now: t0)
        outbound.enqueue(["late reply"], to: "worker", source: 1)
        // 1.5 s without a line from the server: it may be frozen, and lines written to it could be read later.
        let (lines, stop) = drain(&outbound, at: at(1_500))
        #expect(lines == ["PING entraide-live-1"])
        #expect(stop == "waitForProof")
        #expect(drain(&outbound, at: at(2_500)).lines.isEmpty)  // one probe at a time
        let alive = outbound.pong("entraide-live-1", now: at(2_600))
        let proof = try #require(alive)
        #expect(proof.deliveries.isEmpty && proof.resumesSending)
        let step7 = drain(&outbound, at: at(2_600))
        #expect(step7.lines == ["PRIVMSG worker :late reply", "PING entraide-ack-2"])
    }

    @Test func anAnswerToAQuestionJustHeardNeedsNoProbe() {
        var outbound = IRCOutbound<Int>(configuration: Self.quick, now: t0)
        outbound.heard(now: at(5_000))
        outbound.enqueue(["answer"], to: "worker", source: 1)
        let step8 = drain(&outbound, at: at(5_001))
        #expect(step8.lines.first == "PRIVMSG worker answer")
    }

    @Test func aFrozenServerProvesNothingAndGetsNothingMore() {
        // The server stops reading after the first PING: no PONG ever comes.
        let configuration = IRCOutbound<Int>.Configuration(burst: 1_000, lineInterval: .milliseconds(1), maximumUnproven: 4)
        var outbound = IRCOutbound<Int>(configuration: configuration, now: t0)
        for item in 0..<10 { outbound.enqueue(["r\(item)"], to: "w\(item)", source: item) }
        let first = drain(&outbound, at: at(0))
        #expect(first.lines.count { $0.hasPrefix("PRIVMSG") } == 4)
        var sentLater: [String] = []
        for second in 1...30 { sentLater += drain(&outbound, at: at(second * 1_000)).lines }
        // Only the one probe: no stored reply is written into a server that does not answer.
        #expect(sentLater == ["PING entraide-live-2"])
        #expect(outbound.unproven == 4)
    }

    @Test func aRecipientRefusedBeforeThePongIsNotDelivered() throws {
        var outbound = IRCOutbound<Int>(configuration: Self.quick, now: t0)
        outbound.enqueue(["for a departed worker"], to: "Gone", source: 1)
        outbound.enqueue(["for a present one"], to: "here", source: 2)
        let (lines, _) = drain(&outbound, at: at(0))
        let token = try #require(lines.last.flatMap(pingToken))
        outbound.refused("gone")  // 401, before the PONG (the server answers in order); names are case-insensitive
        let proven = outbound.pong(token, now: at(1))
        let proof = try #require(proven)
        #expect(proof.deliveries.map { "\($0.source) \($0.reached)" } == ["1 false", "2 true"])
        // A refusal counts for the proof it came before, not for later ones.
        outbound.enqueue(["back again"], to: "gone", source: 3)
        let again = drain(&outbound, at: at(2)).lines
        let secondToken = try #require(again.last.flatMap(pingToken))
        let secondProof = outbound.pong(secondToken, now: at(3))
        let second = try #require(secondProof)
        #expect(second.deliveries.map(\.reached) == [true])
    }

    @Test func afterAReconnectNothingOfTheOldConnectionIsProven() throws {
        var before = IRCOutbound<Int>(configuration: Self.quick, now: t0)
        before.enqueue(["reply"], to: "worker", source: 1)
        _ = drain(&before, at: at(0))  // sent, PING sent, then the link died before the PONG
        // The new connection starts empty; the channel reads the outbox again and sends the reply again.
        var after = IRCOutbound<Int>(configuration: Self.quick, now: at(3_000))
        #expect(after.isEmpty && after.unproven == 0)
        after.enqueue(["reply"], to: "worker", source: 1)
        let lines = drain(&after, at: at(3_000)).lines
        #expect(lines.first == "PRIVMSG worker reply")
        let token = try #require(lines.last.flatMap(pingToken))
        let proven = after.pong(token, now: at(3_010))
        let proof = try #require(proven)
        #expect(proof.deliveries.map(\.source) == [1])
    }
}
