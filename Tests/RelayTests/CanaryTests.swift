import CaseTracker
import Foundation
import GRDB
import PollProtocol
import TestSupport
import Testing
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// 1,000 workers write through both gateways of a real `entraide serve` (900 through the relay's
/// HTTP endpoint, 100 as IRC nicks on ngircd), each message carrying a canary e-mail address and
/// phone number; one in ten asks for a person, so their address must stay while their case is
/// open. After every reply is delivered and the WAL checkpointed, a byte search of the database,
/// its WAL and the process's log finds no e-mail, no phone number, and no handle but those of the
/// open cases, which are in the address table and nowhere else.
@Suite(.serialized) struct CanaryTests {
    struct Worker {
        let handle: String
        let email: String
        let phone: String
        var wantsAPerson: Bool
        var viaIRC: Bool
        var text: String { "my requester rejected all my work, write me at \(email) or call \(phone) please" }
    }

    @Test(.timeLimit(.minutes(5))) func canaryIdentifiersLeaveNoTraceBeyondTheAddressesOpenCasesNeed() async throws {
        let tag = "q" + String(UUID().uuidString.filter(\.isLetter).prefix(7)).lowercased()
        let phoneTag = (Int.random(in: 100...999), Int.random(in: 100...999))
        let workers = (0..<1_000).map { index in
            Worker(
                handle: "cnry\(tag)h\(index)", email: "mail\(tag)x\(index)@example.org",
                phone: "+254 7\(phoneTag.0) \(phoneTag.1) \(String(format: "%03d", index))",
                wantsAPerson: index % 10 == 0, viaIRC: index >= 900)
        }
        let directory = try temporaryDirectory("canary")
        let receiver = try WebhookReceiver(in: directory)
        defer { receiver.process.stop() }
        let received = receiver.file
        let relay = try RelayUnderTest(webhook: receiver.url)
        defer { relay.process.stop() }
        let ircd = try startNgircd(relaxedFlood: true)
        defer { ircd.stop() }

        let serve = try ServeUnderTest(
            configuration: """
                log_level: info
                store:
                  durability: normal
                irc:
                  host: 127.0.0.1
                  port: \(ircd.port)
                  nick: entraide
                  burst: 100
                  line_interval_ms: 0

                """ + (try relay.httpConfiguration(in: directory, ["poll_wait_seconds: 2"])),
            directory: directory)
        defer { serve.kill() }
        let output = serve.output
        let data = serve.data
        #expect(try await output.waitFor("irc.registered"), "serve said: \(output.text.suffix(1500))")

        let loop = try CurlEventLoop()
        defer { loop.shutdown() }
        // HTTP: the case askers first ask for a person, then tell their story; 8 workers at a time.
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            var pending = workers.enumerated().filter { !$0.element.viaIRC }[...]
            func add() {
                guard let (index, worker) = pending.popFirst() else { return }
                group.addTask {
                    var texts = [worker.text]
                    if worker.wantsAPerson { texts.insert("I want to talk to a human", at: 0) }
                    var status = 200
                    for (step, text) in texts.enumerated() where status == 200 {
                        status = try await relay.postInbound(
                            InboundSubmission(id: "c\(index)-\(step)", from: worker.handle, text: text), loop: loop).status
                    }
                    return status
                }
            }
            for _ in 0..<8 { add() }
            while let status = try await group.next() {
                #expect(status == 200)
                add()
            }
        }
        let posted = ContinuousClock.now
        // IRC: each canary handle is a nick of its own.
        var clients: [IRCTestClient] = []
        for worker in workers where worker.viaIRC {
            let client = try await IRCTestClient(nick: worker.handle, port: ircd.port, loop: loop)
            await client.start()
            clients.append(client)
        }
        defer { for client in clients { Task { await client.close() } } }
        for (client, worker) in zip(clients, workers.filter(\.viaIRC)) {
            #expect(await client.waitForWelcome())
            if worker.wantsAPerson {
                try await client.say("I want to talk to a human")
                #expect(await client.waitUntil { await !$0.privateMessages.isEmpty })
            }
            try await client.say(worker.text)
        }

        print("canaries: IRC workers spoke after \(ContinuousClock.now - started)")
        // Every worker hears back: HTTP workers at the webhook, IRC workers by private message.
        let httpHandles = Set(workers.filter { !$0.viaIRC }.map(\.handle))
        var answered = Set<String>()
        let deadline = ContinuousClock.now + .seconds(120)
        while answered.count < httpHandles.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            let lines = ((try? String(contentsOf: received, encoding: .utf8)) ?? "").split(separator: "\n")
            answered = Set(lines.compactMap { line -> String? in
                guard let record = try? JSONDecoder().decode([String: String].self, from: Data(line.utf8)),
                    let reply = try? JSONDecoder().decode(OutgoingMessage.self, from: Data((record["body"] ?? "").utf8))
                else { return nil }
                return reply.to
            })
        }
        #expect(answered == httpHandles, "serve said: \(output.text.suffix(1500))")
        print("canaries: HTTP answered after \(ContinuousClock.now - started)")
        for (client, worker) in zip(clients, workers.filter(\.viaIRC)) {
            let expected = worker.wantsAPerson ? 3 : 1  // case opened (2 lines), then the story's answer
            #expect(await client.waitUntil(timeout: .seconds(60)) { await $0.privateMessages.count >= expected })
        }

        // Wait until the helpline has marked every reply delivered, then checkpoint the WAL.
        let store = try CaseStore(path: data.appendingPathComponent("entraide.sqlite").path)
        let drained = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < drained {
            if try store.pendingOutbox(channel: "http").isEmpty, try store.pendingOutbox(channel: "irc").isEmpty { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(try store.pendingOutbox(channel: "http").isEmpty && store.pendingOutbox(channel: "irc").isEmpty)
        // The helpline stops (as when a disk is taken), and the operator runs the retention
        // purge (serve runs it every six hours): it compacts the file, so addresses deleted
        // from their table are gone from the pages' free space too.
        serve.kill()
        let purge = Process()
        purge.executableURL = entraideExecutable
        purge.arguments = ["purge", "--data", data.path]
        purge.standardOutput = FileHandle.nullDevice
        try purge.run()
        purge.waitUntilExit()
        #expect(purge.terminationStatus == 0)
        let delivered = ContinuousClock.now

        var files: [(name: String, bytes: Data)] = try FileManager.default.contentsOfDirectory(atPath: data.path)
            .filter { $0.hasPrefix("entraide.sqlite") }
            .map { ($0, try Data(contentsOf: data.appendingPathComponent($0))) }
        files.append(("log", Data(output.text.utf8)))
        // Every handle and e-mail carries the run's tag, every phone the run's six digits: find
        // each occurrence of those, then read which canary it belongs to.
        var emails = 0, phones = 0, handlesOfOpen = Set<String>(), strayHandles: [String] = []
        let askers = Set(workers.filter(\.wantsAPerson).map(\.handle))
        for file in files {
            for offset in occurrences(of: tag, in: file.bytes) {
                let end = min(file.bytes.count, offset + tag.count + 12)
                let prefix = file.bytes[max(0, offset - 4)..<offset]
                let suffix = file.bytes[(offset + tag.count)..<end]
                if prefix.elementsEqual("mail".utf8) { emails += 1; continue }
                guard prefix.elementsEqual("cnry".utf8), suffix.first == UInt8(ascii: "h") else { continue }
                let digits = suffix.dropFirst().prefix { (48...57).contains($0) }
                let handle = "cnry\(tag)h" + String(decoding: digits, as: UTF8.self)
                if askers.contains(handle), file.name == "entraide.sqlite" { handlesOfOpen.insert(handle) } else { strayHandles.append("\(handle) in \(file.name)") }
            }
            phones += occurrences(of: "7\(phoneTag.0) \(phoneTag.1)", in: file.bytes).count
            phones += occurrences(of: "7\(phoneTag.0)\(phoneTag.1)", in: file.bytes).count
        }
        #expect(emails == 0)
        #expect(phones == 0)
        #expect(strayHandles.isEmpty, "handles of workers without an open case, or in the WAL or log: \(strayHandles.prefix(5))")
        // The open cases' addresses are there (the volunteers' replies need them) …
        #expect(handlesOfOpen == askers)
        // … one row each, no more …
        let addressRows = try await DatabaseQueue(path: data.appendingPathComponent("entraide.sqlite").path).read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM worker_address") ?? -1
        }
        #expect(addressRows == askers.count)
        // … and only in their own table: with that table emptied, a copy has none of them.
        let copy = directory.appendingPathComponent("copy.sqlite")
        try FileManager.default.copyItem(at: data.appendingPathComponent("entraide.sqlite"), to: copy)
        let queue = try DatabaseQueue(path: copy.path)
        try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "DELETE FROM worker_address")
            try db.execute(sql: "VACUUM")
        }
        try queue.close()
        #expect(occurrences(of: tag, in: try Data(contentsOf: copy)).isEmpty)
        #expect(try store.listCases().count == 100)
        print(
            "canaries: 1,000 workers (900 HTTP, 100 IRC), 100 open cases; posted in \(posted - started), all delivered"
                + " after \(delivered - started), searched in \(ContinuousClock.now - delivered): 0 e-mails, 0 phones,"
                + " \(handlesOfOpen.count) handles, all of open cases and only in worker_address")
    }
}

/// Offsets of every occurrence of `needle` in `bytes`: a plain byte search of a whole file.
func occurrences(of needle: String, in bytes: Data) -> [Int] {
    let pattern = Array(needle.utf8)
    guard let first = pattern.first else { return [] }
    return bytes.withUnsafeBytes { buffer -> [Int] in
        var found: [Int] = []
        var offset = 0
        let last = buffer.count - pattern.count
        while offset <= last {
            if buffer[offset] == first, pattern.indices.allSatisfy({ buffer[offset + $0] == pattern[$0] }) { found.append(offset) }
            offset += 1
        }
        return found
    }
}
