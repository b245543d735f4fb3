import CaseTracker
import Foundation
import GRDB
import Testing

/// `Date.storedText` must be GRDB's own storage text byte for byte: rows written with it and rows written by
/// GRDB are compared in SQL (`delivered_at < ?`) and read back as dates.
@Suite struct StoredDateTests {
    private func grdb(_ date: Date) -> String? { String.fromDatabaseValue(date.databaseValue) }

    @Test func matchesGRDBOnInstantsAcrossTheYears() {
        var random = SystemRandomNumberGenerator()
        // From 1970 to 2100, with fractions of a millisecond, so that the rounding of milliseconds shows.
        for _ in 0..<20_000 {
            let seconds = Double(random.next() % 4_102_444_800_000) / 1000 + Double(random.next() % 1000) / 1_000_000
            let date = Date(timeIntervalSince1970: seconds)
            #expect(date.storedText == grdb(date), "\(seconds)")
        }
    }

    @Test func matchesGRDBAtBoundaries() {
        let instants: [Double] = [
            0, 0.0009, 0.999, 0.9999, 59.9999, 86_399.999, 86_400, 951_782_400 /* 2000-02-29 */, 1_709_164_800,
            4_102_444_799.999, -0.0005, -86_400.5, -2_208_988_800, /* 1900 */ 1_764_547_200.1234, Date.now.timeIntervalSince1970,
        ]
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(date.storedText == grdb(date), "\(seconds)")
        }
        #expect(Date(timeIntervalSince1970: 951_782_400.25).storedText == "2000-02-29 00:00:00.250")
    }

    @Test func readsBackAsTheSameMillisecond() throws {
        let date = Date(timeIntervalSince1970: 1_780_000_000.123_9)
        let back = try #require(Date.fromDatabaseValue(date.storedText.databaseValue))
        #expect(abs(back.timeIntervalSince1970 - 1_780_000_000.124) < 0.000_5)
    }
}

/// `Digest.hex` writes what `String(format: "%02x")` wrote, which pseudonyms, token hashes and the audit chain
/// already stored are made of: a different text would make a worker a stranger to their own conversation.
@Suite struct HexTests {
    @Test func everyByteAsFormatWroteIt() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(Digest.hex(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Digest.hex([UInt8]()) == "")
        #expect(Digest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
