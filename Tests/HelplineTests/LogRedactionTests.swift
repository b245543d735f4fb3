import Helpline
import Logging
import Synchronization
import Testing

@Suite struct LogRedactionTests {
    @Test(arguments: [
        ("write to maria.lopez@example.org please", "write to [email] please"),
        ("call +58 412 555 1234 now", "call [phone] now"),
        ("my id A1B2C3D4E5F6G7 was banned", "my id [worker-id] was banned"),
        ("prolific 5f8e2a1b3c4d5e6f7a8b9c0d here", "prolific [worker-id] here"),
        ("task 42 took 15 minutes", "task 42 took 15 minutes"),
    ])
    func masksIdentifiers(input: String, expected: String) {
        #expect(LogRedaction.redact(input) == expected)
    }

    @Test func aLineBreakCannotForgeASecondRecord() {
        let forged = LogRedaction.redact("ok\n2026-11-29T00:00:00 info entraide: forged\r\nx\u{1B}[31m")
        #expect(!forged.contains("\n") && !forged.contains("\r") && !forged.contains("\u{1B}"))
    }

    @Test func theHandlerRedactsMessagesAndMetadata() {
        let recorder = RecordingHandler()
        var logger = Logger(label: "test") { _ in RedactingLogHandler(wrapping: recorder) }
        logger.logLevel = .debug
        logger.info("reached maria@example.org", metadata: ["who": "+1 (555) 123-4567", "line": "a\nb"])
        let line = recorder.box.lines.withLock { $0.joined() }
        #expect(!line.contains("maria@example.org"))
        #expect(!line.contains("555"))
        #expect(!line.contains("\n"))
    }
}

/// Keeps what it is given ("level message key=value ..."), to check what a real handler would have written.
struct RecordingHandler: LogHandler {
    final class Box: Sendable { let lines = Mutex<[String]>([]) }
    let box = Box()
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let values = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        box.lines.withLock { $0.append("\(event.level) \(event.message) \(values)") }
    }
}

extension LogRedactionTests {
    @Test func storedTextLosesIdentifiersButKeepsItsShape() {
        #expect(LogRedaction.maskIdentifiers("my worker id A1B2C3D4E5F6G7 got 3 rejections") == "my worker id [worker-id] got 3 rejections")
        // White space is kept as it was; dates and small numbers are not phones.
        #expect(
            LogRedaction.maskIdentifiers("  write me at\nana@example.org or +58 412 555 1234,\tnot on 2026-11-30 for 3 HITs")
                == "  write me at\n[email] or [phone]\tnot on 2026-11-30 for 3 HITs")
        #expect(LogRedaction.maskIdentifiers("") == "")
        #expect(LogRedaction.maskIdentifiers("   ") == "   ")
    }
}
