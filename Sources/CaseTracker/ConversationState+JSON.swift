import Foundation

/// A conversation's state as stored (`conversation.state`): JSON with `Codable`'s keys, written and read by hand
/// because the engine reads and writes it for every message, and Foundation's `JSONDecoder` and `JSONEncoder`
/// were 5–6% of `serve`'s CPU under load, more than the matcher (perf, docs/benchmarks.md). The text is the JSON
/// `Codable` would read (the same keys, in declaration order, nil left out), so rows written before and after
/// read alike; anything the reader here does not expect (a key it does not know, a number with a fraction,
/// whitespace in odd places) goes to `JSONDecoder` as before. `ConversationStateJSONTests` checks both ways.
extension ConversationState {
    /// The JSON stored for this state.
    var storedJSON: String {
        var out: [UInt8] = []
        out.reserveCapacity(160 + (answeredQuestion?.utf8.count ?? 0))
        var first = true
        func key(_ name: StaticString) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: "\":".utf8)
        }
        func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            Self.appendJSONString(value, to: &out)
        }
        func bool(_ name: StaticString, _ value: Bool?) {
            guard let value else { return }
            key(name)
            out.append(contentsOf: (value ? "true" : "false").utf8)
        }
        string("language", language)
        bool("languageChosen", languageChosen)
        string("lastIntent", lastIntent)
        key("pendingChoices")
        out.append(UInt8(ascii: "["))
        for (index, choice) in pendingChoices.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendJSONString(choice, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        key("failedClarifications")
        out.append(contentsOf: String(failedClarifications).utf8)
        bool("awaitingVolunteer", awaitingVolunteer)
        bool("ndaReminded", ndaReminded)
        string("country", country)
        bool("awaitingCountry", awaitingCountry)
        string("followUp", followUp)
        string("platform", platform)
        string("answeredQuestion", answeredQuestion)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The state stored as `json`: read here when it has the shape `storedJSON` writes, else by `JSONDecoder`.
    static func fromStoredJSON(_ json: String) throws -> ConversationState {
        var reader = StoredJSONReader(json)
        if let state = reader.conversationState() { return state }
        return try JSONDecoder().decode(ConversationState.self, from: Data(json.utf8))
    }

    /// A JSON string: quote, backslash and control characters escaped, everything else as its UTF-8.
    static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\r"): out.append(contentsOf: "\\r".utf8)
            case UInt8(ascii: "\t"): out.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0f)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Reads the JSON `storedJSON` writes (and `JSONEncoder` wrote): one flat object of strings, booleans, an
/// integer and an array of strings. Returns nil at the first thing it does not expect; the caller then asks
/// `JSONDecoder`, so being strict here costs speed on odd rows, never a wrong state.
private struct StoredJSONReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ json: String) { bytes = Array(json.utf8) }

    mutating func conversationState() -> ConversationState? {
        var state = ConversationState()
        var seen: Set<String> = []
        guard take(UInt8(ascii: "{")) else { return nil }
        if take(UInt8(ascii: "}")) { return nil }  // the required keys are missing: JSONDecoder says which
        repeat {
            guard let name = string(), seen.insert(name).inserted, take(UInt8(ascii: ":")) else { return nil }
            switch name {
            case "language": guard optionalString(into: &state.language) else { return nil }
            case "lastIntent": guard optionalString(into: &state.lastIntent) else { return nil }
            case "country": guard optionalString(into: &state.country) else { return nil }
            case "followUp": guard optionalString(into: &state.followUp) else { return nil }
            case "platform": guard optionalString(into: &state.platform) else { return nil }
            case "answeredQuestion": guard optionalString(into: &state.answeredQuestion) else { return nil }
            case "languageChosen": guard let value = bool() else { return nil }; state.languageChosen = value
            case "awaitingVolunteer": guard let value = bool() else { return nil }; state.awaitingVolunteer = value
            case "ndaReminded": guard optionalBool(into: &state.ndaReminded) else { return nil }
            case "awaitingCountry": guard optionalBool(into: &state.awaitingCountry) else { return nil }
            case "failedClarifications": guard let value = integer() else { return nil }; state.failedClarifications = value
            case "pendingChoices":
                guard take(UInt8(ascii: "[")) else { return nil }
                var choices: [String] = []
                if !take(UInt8(ascii: "]")) {
                    repeat {
                        guard let choice = string() else { return nil }
                        choices.append(choice)
                    } while take(UInt8(ascii: ","))
                    guard take(UInt8(ascii: "]")) else { return nil }
                }
                state.pendingChoices = choices
            default: return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), position == bytes.count,
            seen.isSuperset(of: ["languageChosen", "pendingChoices", "failedClarifications", "awaitingVolunteer"])
        else { return nil }
        return state
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func literal(_ word: String) -> Bool {
        let word = Array(word.utf8)
        guard bytes.count - position >= word.count, Array(bytes[position..<(position + word.count)]) == word else { return false }
        position += word.count
        return true
    }

    private mutating func bool() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    private mutating func optionalBool(into value: inout Bool?) -> Bool {
        if literal("null") { value = nil; return true }
        guard let read = bool() else { return false }
        value = read
        return true
    }

    private mutating func optionalString(into value: inout String?) -> Bool {
        if literal("null") { value = nil; return true }
        guard let read = string() else { return false }
        value = read
        return true
    }

    /// An integer without sign or with a minus, no fraction or exponent, that fits an `Int`.
    private mutating func integer() -> Int? {
        let start = position
        _ = take(UInt8(ascii: "-"))
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
        guard position < bytes.count, bytes[position] == UInt8(ascii: ",") || bytes[position] == UInt8(ascii: "}") else { return nil }
        return Int(String(decoding: bytes[start..<position], as: UTF8.self))
    }

    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        var out: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return String(validating: out, as: UTF8.self)
            case 0..<0x20: return nil  // JSON has no raw control characters in strings
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { return nil }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "u"):
                    guard let unit = hex4() else { return nil }
                    var value = UInt32(unit)
                    if (0xD800..<0xDC00).contains(unit) {  // a surrogate pair: the second must follow
                        guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(), (0xDC00..<0xE000).contains(low)
                        else { return nil }
                        value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(value) else { return nil }
                    out.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            default: out.append(byte)
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt16? {
        guard bytes.count - position >= 4 else { return nil }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            position += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }
}
