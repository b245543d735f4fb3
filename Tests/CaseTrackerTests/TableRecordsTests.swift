@testable import CaseTracker
import Foundation
import GRDB
import Testing

/// The store's records (`TableRecords`) read by position: through the store's own SQL and through GRDB's query
/// interface they must give the same values, every column in its place.
@Suite struct TableRecordsTests {
    let store: CaseStore

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entraide-records-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try CaseStore(path: directory.appendingPathComponent("cases.sqlite").path, durability: .normal)
    }

    @Test func aCaseReadsTheSameThroughTheStoreAndThroughTheQueryInterface() throws {
        let opened = try store.openCase(
            pseudonym: "w-1", channel: "irc", language: "pt", topic: "human", urgent: true, reopenWithin: 3600
        ) { _, _ in [] }.0
        try store.addVolunteer(alias: "amina", languages: ["pt", "es"], ircAccount: "amina_irc", tokenHash: nil)
        _ = try store.claim(opened.id, by: "amina")
        let stored = try #require(try store.helplineCase(opened.id))
        // Every column that can differ from its default does: a value read at another position would show.
        #expect(stored.pseudonym == "w-1" && stored.channel == "irc" && stored.language == "pt" && stored.topic == "human")
        #expect(stored.urgent && stored.status == .claimed && stored.claimedBy == "amina" && stored.claimedAt != nil)
        let viaQueryInterface = try store.database.read { db in try CaseRow.fetchAll(db) }.map(\.found)
        #expect(viaQueryInterface == [stored])
        let events = try store.events(of: opened.id)
        #expect(events.map(\.kind) == [.opened, .claim])
        #expect(try store.database.read { db in try CaseEventRow.fetchAll(db) }.map(\.event) == events)
        let volunteer = try #require(try store.volunteer(alias: "amina"))
        #expect(volunteer == Volunteer(alias: "amina", languages: ["pt", "es"], ircAccount: "amina_irc", active: true))
        #expect(try store.database.read { db in try VolunteerRow.fetchAll(db) }.map(\.volunteer) == [volunteer])
        let audit = try store.auditRecords()
        #expect(!audit.isEmpty)
        #expect(try store.database.read { db in try AuditRow.fetchAll(db) }.map(\.record) == audit)
    }
}
