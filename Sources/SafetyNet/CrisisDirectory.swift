public import Foundation
import Yams
import IntentMatcher

/// A crisis line of one country, as the directory file gives it. Every line names its source and the day
/// someone last checked it; `uncertain` marks what the sources disagree on.
public struct CrisisLine: Sendable, Equatable {
    public var service: String
    public var phone: String?
    public var sms: String?
    public var chat: String?
    public var whatsapp: String?
    public var hours: String?
    public var languages: [String]
    public var free: Bool?
    public var source: String
    public var verified: String
    public var uncertain: Bool
    public var note: String?
}

public struct CrisisCountry: Sendable, Equatable {
    /// ISO 3166 alpha-2 (`KE`).
    public var code: String
    /// How workers may name it, in their languages; matched as cues (`estados unidos`, `masr`).
    public var names: [String]
    public var emergency: String?
    public var lines: [CrisisLine]
    /// Nothing reliable was found for this country (no national line, weak sources): say so.
    public var uncertain: Bool
    /// The country's name for replies: the first name in the list.
    public var displayName: String
}

/// Country → crisis lines, from `intents/safety/crisis-lines.yaml`.
public struct CrisisDirectory: Sendable {
    public private(set) var countries: [CrisisCountry] = []
    private var names: [(CuePattern, Int)] = []

    public init(countries: [CrisisCountry] = []) {
        for country in countries { add(country) }
    }

    mutating func add(_ country: CrisisCountry) {
        countries.append(country)
        for name in country.names {
            if let pattern = try? CuePattern(name) { names.append((pattern, countries.count - 1)) }
        }
    }

    public func country(code: String) -> CrisisCountry? {
        countries.first { $0.code.caseInsensitiveCompare(code) == .orderedSame }
    }

    /// The country a worker names in a short reply ("je suis au Kenya", "colombia", "masr"); nil when none
    /// or more than one is named. A name of two or three Latin letters (`us`, `uk`, `eg`, `usa`) is also an
    /// everyday word ("help us", "eg", Spanish "usa"), so it counts only where it reads as a place
    /// (`namesPlace`). Before, it counted in any reply of three words or fewer: "help us", right after the
    /// crisis answer asked for the country, gave the United States' lines, and "I'm in the US" gave none.
    public func country(namedIn text: String) -> CrisisCountry? {
        guard let words = CueText(text).readings.first, !words.isEmpty else { return nil }
        var found = Set<Int>()
        for reading in [words] + [Self.withoutAttachedPrepositions(words)].compactMap({ $0 }) {
            for (pattern, number) in names {
                let named = Self.isShortLatinName(pattern.source)
                    ? reading.indices.contains { position in
                        pattern.match(reading, at: position) != nil
                            && Self.namesPlace(at: position, in: reading, source: pattern.source, text: text)
                    }
                    : pattern.firstMatch(in: reading) != nil
                if named { found.insert(number) }
            }
        }
        return found.count == 1 ? countries[found.first!] : nil
    }

    /// The words that put a short name in place: "in the us", "from uk", "en usa", "aux usa", "nos eua", "في USA",
    /// "ana fi usa".
    static let placeWords: Set<String> = [
        "in", "from", "the", "at", "en", "au", "aux", "de", "des", "du", "desde", "em", "no", "nos", "na", "do",
        "dos", "da", "fi", "f", "men", "mn", "min", "\u{0641}\u{064A}", "\u{0645}\u{0646}",
    ]

    /// Whether the short name at `position` of `words` names a place: it is the whole reply; or it follows a
    /// place word in a reply of six words or fewer; or it opens a reply of three words or fewer written in
    /// capitals ("UK here"), where "HELP US" (the word before in capitals) and "help us" (no place word) do not.
    static func namesPlace(at position: Int, in words: [CueWord], source: String, text: String) -> Bool {
        if words.count == 1 { return true }
        if position > 0 && words.count <= 6 && placeWords.contains(words[position - 1].text) { return true }
        guard position == 0, words.count <= 3 else { return false }
        let written = text.split(whereSeparator: { !$0.isLetter })
        return written.first.map { String($0) == source.uppercased() } ?? false
    }

    /// The words with the prepositions Arabic writes glued to the next word taken off, ب "in" and ل "to", after a
    /// glued و or ف too, as in "انا بسوريا" (I'm in Syria), "وبمصر", which dialects use where MSA writes "في"; nil
    /// when no word starts with one. Read beside the words as written, so that a name that itself starts with ب
    /// or ل (باكستان, لبنان) is still found. (Before the article, "بالمغرب", "للمغرب", every word already reads
    /// without it: `CueWord.dialectReadings`.)
    static func withoutAttachedPrepositions(_ words: [CueWord]) -> [CueWord]? {
        let beh: Unicode.Scalar = "\u{0628}", lam: Unicode.Scalar = "\u{0644}"
        var changed = false
        let stripped = words.map { word -> CueWord in
            var scalars = Array((word.bare ?? word.text).unicodeScalars)
            if let first = scalars.first, first == beh || first == lam, scalars.count >= 4 {
                scalars.removeFirst()
            } else {
                return word
            }
            changed = true
            return CueWord(String(String.UnicodeScalarView(scalars)))
        }
        return changed ? stripped : nil
    }

    static func isShortLatinName(_ name: String) -> Bool {
        name.count <= 3 && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) }
    }

    /// Lines whose `verified` date is older than `age` at `now`: a number that may have changed.
    public func stale(at now: Date) -> [(CrisisCountry, CrisisLine)] {
        countries.flatMap { country in
            country.lines.compactMap { line in CheckDate.isStale(line.verified, at: now) ? (country, line) : nil }
        }
    }
}

/// Reads the directory file; refuses a line without a source or a verified date (file and line).
enum CrisisDirectoryFile {
    static let countryKeys = ["code", "names", "emergency", "emergency_source", "lines", "uncertain", "note"]
    static let lineKeys = ["service", "phone", "sms", "chat", "whatsapp", "hours", "languages", "free", "source", "verified",
        "uncertain", "note"]

    static func parse(_ root: Node, problems: inout ProblemList) -> CrisisDirectory {
        var directory = CrisisDirectory()
        guard let top = root.pairs, let list = problems.values(of: top, allowed: ["countries"], in: "the directory")["countries"]?.value,
            let items = list.items
        else {
            problems.add(root, "the directory is a mapping with one key, 'countries', a list of countries")
            return directory
        }
        var codes = Set<String>()
        for item in items {
            guard let pairs = item.pairs else {
                problems.add(item, "a country is a mapping (code, names, emergency, lines)")
                continue
            }
            let values = problems.values(of: pairs, allowed: countryKeys, in: "a country")
            guard let codeNode = values["code"]?.value, let code = problems.text(codeNode, named: "code"),
                code.count == 2, code.allSatisfy({ $0.isASCII && $0.isUppercase })
            else {
                problems.add(item, "a country needs 'code', its two capital letters (ISO 3166: KE, BR)")
                continue
            }
            if !codes.insert(code).inserted { problems.add(codeNode, "country \(code) is listed twice") }
            let names = values["names"].map { problems.texts($0.value, named: "names").map(\.text) } ?? []
            if names.isEmpty { problems.add(item, "country \(code) needs 'names': how workers may name it") }
            for name in names where (try? CuePattern(name)) == nil {
                problems.add(values["names"]?.value, "country \(code): the name '\(name)' has no words")
            }
            var lines: [CrisisLine] = []
            if let node = values["lines"]?.value, let entries = node.items {
                for entry in entries {
                    if let line = parseLine(entry, country: code, problems: &problems) { lines.append(line) }
                }
            }
            let emergency = values["emergency"].flatMap { problems.text($0.value, named: "emergency") }
            if emergency != nil, values["emergency_source"] == nil {
                problems.add(values["emergency"]?.keyNode, "country \(code): 'emergency' needs 'emergency_source', where it was checked")
            }
            if lines.isEmpty && emergency == nil {
                problems.add(item, "country \(code) has neither a line nor an emergency number; remove it or add one with its source")
            }
            directory.add(CrisisCountry(
                code: code, names: names, emergency: emergency, lines: lines, uncertain: values["uncertain"]?.value.text == "true",
                displayName: names.first ?? code))
        }
        return directory
    }

    private static func parseLine(_ entry: Node, country: String, problems: inout ProblemList) -> CrisisLine? {
        guard let pairs = entry.pairs else {
            problems.add(entry, "a line is a mapping (service, phone/sms/chat/whatsapp, hours, source, verified)")
            return nil
        }
        let values = problems.values(of: pairs, allowed: lineKeys, in: "a crisis line")
        func text(_ key: String) -> String? { values[key].flatMap { problems.text($0.value, named: key) } }
        guard let service = text("service") else {
            problems.add(entry, "\(country): a line needs 'service', the name workers will read")
            return nil
        }
        let (phone, sms, chat, whatsapp) = (text("phone"), text("sms"), text("chat"), text("whatsapp"))
        if phone == nil && sms == nil && chat == nil && whatsapp == nil {
            problems.add(entry, "\(country) \(service): give at least one way to reach it (phone, sms, chat or whatsapp)")
        }
        guard let source = text("source"), source.hasPrefix("http") else {
            problems.add(entry, "\(country) \(service): a line needs 'source', the address where its number was checked")
            return nil
        }
        guard let verified = text("verified"), CheckDate.day(verified) != nil else {
            problems.add(values["verified"]?.value ?? entry,
                "\(country) \(service): a line needs 'verified: YYYY-MM-DD', the day someone last checked it at its source")
            return nil
        }
        let flags = ["free", "uncertain"].reduce(into: [String: Bool]()) { result, key in
            guard let node = values[key]?.value else { return }
            switch node.text {
            case "true", "yes": result[key] = true
            case "false", "no": result[key] = false
            default: problems.add(node, "'\(key)' is true or false")
            }
        }
        return CrisisLine(
            service: service, phone: phone, sms: sms, chat: chat, whatsapp: whatsapp, hours: text("hours"),
            languages: values["languages"].map { problems.texts($0.value, named: "languages").map(\.text) } ?? [],
            free: flags["free"], source: source, verified: verified, uncertain: flags["uncertain"] ?? false, note: text("note"))
    }
}
