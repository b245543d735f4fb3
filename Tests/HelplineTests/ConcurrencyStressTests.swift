import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import Logging
import Synchronization
import TestSupport
import Testing

/// The helpline's shared parts hit at once from seven OS threads, as in `entraide serve`: a polling
/// gateway and an IRC reader storing messages, the engine, an outbox sender, two volunteers
/// claiming the same cases, and the operator's side (retention purge, answer-file reloads).
///
/// Run under `scripts/sanitize thread` this is where TSan sees the store, the library and the
/// bells used concurrently; run plainly it checks the outcomes below. It asserts what must hold,
/// not only that nothing crashed: every message stored once and answered once, every reply
/// delivered once, exactly one claim winner per case, the audit chain unbroken, and the purge
/// erasing the old data and nothing of the live traffic.
@Suite struct ConcurrencyStressTests {
    /// Seven threads: poller, IRC reader, engine (the store's main writer), outbox sender, two
    /// volunteers, operator. docs/sanitizers.md records this count.
    static let threadCount = 7
    static let pollBatches = 15
    static let pollBatchSize = 8
    static let ircMessages = 120
    static let oldWorkers = 20
    /// What ordinary workers write: commands and greetings, none of which opens a case.
    static let ordinaryTexts = ["hello", "help", "more", "stop", "thank you", "bye"]

    /// Everything the threads share, each part behind its own lock.
    final class Shared: Sendable {
        let producersDone = Atomic<Int>(0)
        let engineDone = Atomic<Bool>(false)
        let volunteersDone = Atomic<Int>(0)
        let senderDone = Atomic<Bool>(false)
        let failures = Mutex<[String]>([])
        let delivered = Mutex<[String]>([])
        let announcementsDelivered = Atomic<Int>(0)
        let winners = Mutex<[Int64: [String]]>([:])
        let purged = Mutex((cases: 0, conversations: 0))
        let reloads = Atomic<Int>(0)
        let deadline = ContinuousClock.now + .seconds(240)

        var pastDeadline: Bool { ContinuousClock.now > deadline }

        func fail(_ what: String, _ error: any Error) {
            failures.withLock { $0.append("\(what): \(error)") }
        }
    }

    @Test func sevenThreadsOnOneStoreLoseNothingAndClaimOnce() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-stress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // NORMAL: what is under test is isolation between threads, not fsync; FULL only slows it.
        let store = try CaseStore(path: directory.appendingPathComponent("stress.sqlite").path, durability: .normal)
        let logger = Logger(label: "test")
        let helpline = Helpline(
            store: store, library: try AnswerLibrary(directory: HelplineEngineTests.intents, logger: logger),
            pseudonymizer: Pseudonymizer(key: Array(repeating: 9, count: 32)), defaultLanguage: .en, logger: logger,
            volunteers: VolunteerRouting(channel: "irc", target: "#volunteers"))
        let desk = VolunteerDesk(helpline: helpline)
        for alias in ["amina", "bruno"] {
            try store.addVolunteer(alias: alias, languages: ["en"], ircAccount: alias, tokenHash: nil)
        }
        let amina = try #require(try store.volunteer(alias: "amina"))
        let bruno = try #require(try store.volunteer(alias: "bruno"))

        // What retention must erase: conversations idle for 40 days and a case closed 40 days ago.
        let old = Date().addingTimeInterval(-40 * 86_400)
        for index in 0..<Self.oldWorkers {
            let message = InboundMessage(channel: "old", messageID: "old-\(index)", address: "old-\(index)", text: "hello")
            _ = try store.receive(message, pseudonym: "w-old-\(index)", at: old)
        }
        for item in try store.pendingInbox() {
            try store.complete(item, state: ConversationState(), replies: [], at: old)
        }
        let oldCase = try store.openCase(
            pseudonym: "w-old-case", channel: "old", language: "en", topic: "human", urgent: false, reopenWithin: 0, at: old
        ) { _, _ in [] }.0
        _ = try store.close(oldCase.id, by: "amina", outcome: "done", followUp: nil, at: old)

        let shared = Shared()
        let run = runOnRealThreads(
            [
                ("poller", { Self.poll(helpline, shared) }),
                ("irc-reader", { Self.readIRC(helpline, shared) }),
                ("engine", { Self.runEngine(helpline, shared) }),
                ("outbox-sender", { Self.sendOutbox(store, shared) }),
                ("volunteer-amina", { Self.volunteer(amina, desk, store, shared) }),
                ("volunteer-bruno", { Self.volunteer(bruno, desk, store, shared) }),
                ("operator", { Self.operate(helpline, shared) }),
            ], timeout: .seconds(300))

        #expect(run.finishedInTime)
        #expect(run.distinctThreads == Self.threadCount)
        #expect(shared.failures.withLock { $0 } == [])

        // Every message stored exactly once (each was offered twice), and the cursor at the last batch.
        let polled = try store.committedSnapshot(channel: "poll")
        let pollIDs = Set((0..<Self.pollBatches).flatMap { batch in (0..<Self.pollBatchSize).map { "poll-\(batch)-\($0)" } })
        #expect(polled.messageIDs == pollIDs)
        #expect(polled.cursor == "cursor-\(Self.pollBatches - 1)")
        let ircIDs = Set((0..<Self.ircMessages).map { "irc-\($0)" })
        #expect(try store.committedSnapshot(channel: "irc").messageIDs == ircIDs)
        #expect(try store.pendingInbox().isEmpty)

        // Every message answered once, every reply delivered once, nothing left waiting.
        let delivered = shared.delivered.withLock { $0 }
        #expect(delivered.count == Set(delivered).count, "a reply was delivered twice")
        let firstReplies = delivered.filter { $0.hasPrefix("inbox-") && $0.hasSuffix("-0") }
        #expect(firstReplies.count == pollIDs.count + ircIDs.count)
        #expect(try store.pendingOutbox(channel: "poll").isEmpty)
        #expect(try store.pendingOutbox(channel: "irc").isEmpty)
        #expect(try store.pendingAnnouncements(channel: "irc").isEmpty)

        // One case per worker who asked for a person; each claimed by exactly one volunteer, who
        // replied and closed it; both the reply and the closing question reached the worker.
        let escalations = Self.pollBatches + Self.ircMessages / 10
        let winners = shared.winners.withLock { $0 }
        #expect(winners.count == escalations)
        #expect(winners.values.allSatisfy { $0.count == 1 }, "a case had more than one claim winner: \(winners)")
        #expect(shared.announcementsDelivered.load(ordering: .relaxed) == escalations)
        #expect(delivered.filter { $0.contains("-event-") }.count == escalations)
        #expect(delivered.filter { $0.contains("-closed-") }.count == escalations)
        let audit = try store.auditRecords()
        let claimsGranted = Dictionary(grouping: audit.filter { $0.action == "claim" && $0.outcome == "ok" }, by: \.caseID)
        #expect(claimsGranted.count == escalations && claimsGranted.values.allSatisfy { $0.count == 1 })
        #expect(try store.verifyAudit().firstBad == nil)
        #expect(try store.listCases().isEmpty)

        // Retention erased the old data, once, while the live traffic went on.
        let purged = shared.purged.withLock { $0 }
        #expect(purged.conversations == Self.oldWorkers)
        #expect(purged.cases == 1)
        #expect(try store.helplineCase(oldCase.id) == nil)
        #expect(try store.committedSnapshot(channel: "old").messageIDs.isEmpty)
        #expect(shared.reloads.load(ordering: .relaxed) > 0)
        #expect(try store.integrityCheck() == "ok")
    }

    // MARK: The threads

    /// A polling gateway: batches with a cursor, each served twice (an acknowledgement was lost).
    static func poll(_ helpline: Helpline, _ shared: Shared) {
        defer { shared.producersDone.add(1, ordering: .sequentiallyConsistent) }
        for batch in 0..<pollBatches {
            let messages = (0..<pollBatchSize).map { index in
                // One new worker per batch asks for a person; the others chat.
                index == 0
                    ? InboundMessage(channel: "poll", messageID: "poll-\(batch)-0", address: "p-human-\(batch)", text: "human")
                    : InboundMessage(
                        channel: "poll", messageID: "poll-\(batch)-\(index)", address: "p-\(index % 5)",
                        text: ordinaryTexts[(batch + index) % ordinaryTexts.count])
            }
            do {
                let first = try helpline.receive(batch: messages, cursor: "cursor-\(batch)", channel: "poll")
                let again = try helpline.receive(batch: messages, cursor: "cursor-\(batch)", channel: "poll")
                if first != BatchOutcome(stored: pollBatchSize, duplicates: 0) || again != BatchOutcome(stored: 0, duplicates: pollBatchSize) {
                    shared.fail("poll batch \(batch)", StressError("outcomes \(first), \(again)"))
                }
            } catch {
                shared.fail("poll batch \(batch)", error)
            }
        }
    }

    /// The IRC reader: one message at a time, each also repeated (a resend after a reconnect).
    static func readIRC(_ helpline: Helpline, _ shared: Shared) {
        defer { shared.producersDone.add(1, ordering: .sequentiallyConsistent) }
        for index in 0..<ircMessages {
            let message =
                index % 10 == 0
                ? InboundMessage(channel: "irc", messageID: "irc-\(index)", address: "nick-human-\(index)", text: "human")
                : InboundMessage(
                    channel: "irc", messageID: "irc-\(index)", address: "nick-\(index % 7)",
                    text: ordinaryTexts[index % ordinaryTexts.count])
            do {
                guard case .stored = try helpline.receive(message) else {
                    shared.fail("irc \(index)", StressError("not stored"))
                    continue
                }
                guard case .duplicate = try helpline.receive(message) else {
                    shared.fail("irc \(index)", StressError("stored twice"))
                    continue
                }
            } catch {
                shared.fail("irc \(index)", error)
            }
        }
    }

    /// The engine: handles stored messages until both producers are done and nothing is left.
    static func runEngine(_ helpline: Helpline, _ shared: Shared) {
        defer { shared.engineDone.store(true, ordering: .sequentiallyConsistent) }
        while !shared.pastDeadline {
            // Read before processing: if both were done then, everything they stored is handled now.
            let producersFinished = shared.producersDone.load(ordering: .sequentiallyConsistent) == 2
            do {
                let handled = try helpline.processPending()
                if producersFinished && handled == 0 { return }
                if handled == 0 { Thread.sleep(forTimeInterval: 0.001) }
            } catch {
                shared.fail("engine", error)
                return
            }
        }
        shared.fail("engine", StressError("deadline passed"))
    }

    /// The senders of both channels and of the volunteers' notices, confirming each send.
    static func sendOutbox(_ store: CaseStore, _ shared: Shared) {
        defer { shared.senderDone.store(true, ordering: .sequentiallyConsistent) }
        while !shared.pastDeadline {
            let othersFinished =
                shared.engineDone.load(ordering: .sequentiallyConsistent)
                && shared.volunteersDone.load(ordering: .sequentiallyConsistent) == 2
            do {
                var sent = 0
                for channel in ["poll", "irc"] {
                    for item in try store.pendingOutbox(channel: channel) {
                        try store.markDelivered(item)
                        shared.delivered.withLock { $0.append(item.key) }
                        sent += 1
                    }
                }
                for notice in try store.pendingAnnouncements(channel: "irc") {
                    try store.markAnnouncementDelivered(notice.id)
                    shared.announcementsDelivered.add(1, ordering: .relaxed)
                    sent += 1
                }
                if othersFinished && sent == 0 { return }
                if sent == 0 { Thread.sleep(forTimeInterval: 0.001) }
            } catch {
                shared.fail("sender", error)
                return
            }
        }
        shared.fail("sender", StressError("deadline passed"))
    }

    /// A volunteer's command handler: claims every open case it sees (the other volunteer tries
    /// the same ones), and on a win replies and closes it.
    static func volunteer(_ volunteer: Volunteer, _ desk: VolunteerDesk, _ store: CaseStore, _ shared: Shared) {
        defer { shared.volunteersDone.add(1, ordering: .sequentiallyConsistent) }
        let alias = volunteer.alias
        while !shared.pastDeadline {
            let engineFinished = shared.engineDone.load(ordering: .sequentiallyConsistent)
            do {
                let cases = try store.listCases()
                if engineFinished && cases.isEmpty { return }
                for found in cases where found.status == .open {
                    let answer = desk.perform(.claim(found.id), as: volunteer, via: "irc", sender: alias)
                    guard answer.first?.hasPrefix("You hold case #\(found.id)") == true else { continue }
                    shared.winners.withLock { $0[found.id, default: []].append(alias) }
                    let replied = desk.perform(.reply(found.id, "I am \(alias), I can help"), as: volunteer, via: "irc", sender: alias)
                    let closed = desk.perform(.close(found.id, outcome: "resolved"), as: volunteer, via: "irc", sender: alias)
                    if replied != ["Sent to the worker of case #\(found.id)."] || closed.first?.hasPrefix("Case #\(found.id) closed") != true {
                        shared.fail("volunteer \(alias) on #\(found.id)", StressError("\(replied) \(closed)"))
                    }
                }
                if cases.isEmpty { Thread.sleep(forTimeInterval: 0.001) }
            } catch {
                shared.fail("volunteer \(alias)", error)
                return
            }
        }
        shared.fail("volunteer \(alias)", StressError("deadline passed"))
    }

    /// The operator's side: the retention purge and answer-file reloads (SIGHUP), until the rest stop.
    static func operate(_ helpline: Helpline, _ shared: Shared) {
        var round = 0
        while !shared.pastDeadline {
            let othersFinished = shared.senderDone.load(ordering: .sequentiallyConsistent)
            do {
                let report = try helpline.store.purge(olderThan: 30 * 86_400)
                shared.purged.withLock {
                    $0.cases += report.cases
                    $0.conversations += report.conversations
                }
            } catch {
                shared.fail("purge", error)
                return
            }
            // A few reloads (a whole matcher is rebuilt each time: costly under a sanitizer).
            if round % 25 == 0 && shared.reloads.load(ordering: .relaxed) < 3 {
                let problems = helpline.library.reload()
                if problems.isEmpty { shared.reloads.add(1, ordering: .relaxed) } else { shared.fail("reload", StressError("\(problems)")) }
            }
            round += 1
            if othersFinished { return }
            Thread.sleep(forTimeInterval: 0.005)
        }
        shared.fail("operator", StressError("deadline passed"))
    }
}

struct StressError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
