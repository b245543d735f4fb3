public import Foundation
import GRDB

extension Date {
    /// The text GRDB stores a `Date` as ("yyyy-MM-dd HH:mm:ss.SSS", UTC), made without a `DateFormatter`: GRDB
    /// formats every `Date` argument through ICU, which was 2.5% of `serve`'s CPU under load, several dates per
    /// message (perf, docs/benchmarks.md). The same bytes, so rows written either way compare and read back
    /// alike (`StoredDateTests` checks it against GRDB's own conversion): milliseconds rounded to the nearest,
    /// as Foundation's formatter on Linux does.
    public var storedText: String {
        // ICU's UDate: milliseconds since 1970, from Foundation's seconds since 2001.
        let milliseconds = Int64(((timeIntervalSinceReferenceDate + 978_307_200) * 1000).rounded())
        var days = milliseconds / 86_400_000
        var inDay = milliseconds % 86_400_000
        if inDay < 0 {
            inDay += 86_400_000
            days -= 1
        }
        // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        // Outside four-digit years (none a helpline meets), GRDB's own text.
        guard (0...9_999).contains(year) else { return String.fromDatabaseValue(databaseValue) ?? "" }

        var bytes = [UInt8](repeating: 0, count: 23)
        func put(_ value: Int64, at offset: Int, width: Int) {
            var value = value
            for position in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, at: 0, width: 4)
        bytes[4] = UInt8(ascii: "-")
        put(month, at: 5, width: 2)
        bytes[7] = UInt8(ascii: "-")
        put(day, at: 8, width: 2)
        bytes[10] = UInt8(ascii: " ")
        put(inDay / 3_600_000, at: 11, width: 2)
        bytes[13] = UInt8(ascii: ":")
        put(inDay / 60_000 % 60, at: 14, width: 2)
        bytes[16] = UInt8(ascii: ":")
        put(inDay / 1_000 % 60, at: 17, width: 2)
        bytes[19] = UInt8(ascii: ".")
        put(inDay % 1_000, at: 20, width: 3)
        return String(decoding: bytes, as: UTF8.self)
    }
}
