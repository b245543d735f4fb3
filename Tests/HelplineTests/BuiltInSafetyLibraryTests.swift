import CaseTracker
import Foundation
import Helpline
import IntentMatcher
import Logging
import SafetyNet
import Synchronization
import Testing

/// An answers' folder without `safety/` through the real loader and engine: the built-in crisis cues open an
/// URGENT case, the log says which cues serve, and a `safety/` folder added half done is refused on reload.
@Suite struct BuiltInSafetyLibraryTests {
    let folder: URL
    let recorder = RecordingHandler()
    let library: AnswerLibrary

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-builtin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let shipped = HelplineEngineTests.intents
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path) where name.hasSuffix(".yaml") {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let recorder = recorder
        library = try AnswerLibrary(directory: folder, logger: Logger(label: "test") { _ in recorder })
    }

    @Test func theBuiltInSetServesAndTheLogSaysSo() throws {
        #expect(library.snapshot.safety.isBuiltIn)
        let lines = recorder.box.lines.withLock { $0 }
        let notice = lines.filter { $0.hasPrefix("warning crisis.built_in ") }
        #expect(notice.count == 1 && notice[0].contains("built into entraide \(BuiltInSafety.release)"), "\(lines)")
    }

    @Test func aCrisisMessageOpensAnUrgentCase() throws {
        let store = try CaseStore(path: folder.appendingPathComponent("s.sqlite").path, durability: .normal)
        let key = Array(repeating: UInt8(9), count: 32)
        let helpline = Helpline(
            store: store, library: library, pseudonymizer: Pseudonymizer(key: key), defaultLanguage: .en,
            logger: Logger(label: "test"), policy: CasePolicy(), volunteers: nil, rateLimit: nil)
        _ = try helpline.receive(InboundMessage(channel: "irc", messageID: "m1", address: "w-1", text: "I want to kill myself"))
        try helpline.processPending()
        let found = try #require(try store.activeCase(of: Pseudonymizer(key: key).pseudonym(channel: "irc", address: "w-1")))
        #expect(found.urgent)
    }

    @Test func aSafetyFolderAddedHalfDoneIsRefusedAndTheBuiltInSetKeepsServing() throws {
        let safety = folder.appendingPathComponent(SafetyNet.folder)
        try FileManager.default.copyItem(at: HelplineEngineTests.intents.appendingPathComponent(SafetyNet.folder), to: safety)
        try FileManager.default.removeItem(at: safety.appendingPathComponent("cues/pt.yaml"))
        let problems = library.reload()
        #expect(problems.map(\.file) == ["safety/cues/pt.yaml"])
        #expect(library.snapshot.safety.isBuiltIn)
        // Finished: the operator's files serve from the next reload.
        let portuguese = HelplineEngineTests.intents.appendingPathComponent("safety/cues/pt.yaml")
        try FileManager.default.copyItem(at: portuguese, to: safety.appendingPathComponent("cues/pt.yaml"))
        #expect(library.reload().isEmpty)
        #expect(!library.snapshot.safety.isBuiltIn)
    }
}
