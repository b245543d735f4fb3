/// One IRCv3 message tag (`key=value`).
///
/// The value is a plain `String` where `""` means "no value": the message-tags spec requires `foo` and `foo=`
/// to be interpreted the same way, and a single representation avoids two spellings of one tag.
public struct IRCTag: Sendable, Hashable {
    /// The key, e.g. `time`, `account`, `draft/label` or the client-only `+typing`.
    public let key: String
    /// The unescaped value; `""` when the tag has no value.
    public let value: String

    public init(key: String, value: String = "") {
        self.key = key
        self.value = value
    }

    /// Whether `key` is `['+'] [vendor '/'] name` with a hostname-like vendor and a name of letters, digits and
    /// hyphens. Checked before sending because a space, `;` or `=` in a key would corrupt the tag section.
    public static func isValidKey(_ key: String) -> Bool {
        var bytes = key.utf8[...]
        if bytes.first == UInt8(ascii: "+") {
            bytes = bytes.dropFirst()
        }
        let parts = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard let name = parts.last, parts.count <= 2, !name.isEmpty else { return false }
        guard name.allSatisfy({ isASCIILetter($0) || isASCIIDigit($0) || $0 == UInt8(ascii: "-") }) else {
            return false
        }
        if parts.count == 2 {
            let vendor = parts[0]
            let isHostByte = { (b: UInt8) in
                isASCIILetter(b) || isASCIIDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
            }
            guard !vendor.isEmpty, vendor.allSatisfy(isHostByte) else { return false }
        }
        return true
    }
}

extension IRCTag {
    /// Escapes a value for the wire (`;` → `\:`, space → `\s`, `\` → `\\`, CR → `\r`, LF → `\n`).
    ///
    /// NUL cannot be escaped, and one NUL byte wedges an ngircd connection (`reliability.md` K3), so it is removed.
    static func escape(_ value: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case ";": out.append(contentsOf: #"\:"#.unicodeScalars)
            case " ": out.append(contentsOf: #"\s"#.unicodeScalars)
            case "\\": out.append(contentsOf: #"\\"#.unicodeScalars)
            case "\r": out.append(contentsOf: #"\r"#.unicodeScalars)
            case "\n": out.append(contentsOf: #"\n"#.unicodeScalars)
            case "\0": continue
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Reverses ``escape(_:)`` one character at a time, so `\\n` stays a backslash followed by `n`.
    /// An unknown escape yields the escaped character and a trailing lone backslash is dropped, as the spec says.
    static func unescape(_ raw: Substring) -> String {
        guard raw.utf8.contains(UInt8(ascii: "\\")) else { return String(raw) }
        var out = String.UnicodeScalarView()
        var escaping = false
        for scalar in raw.unicodeScalars {
            if escaping {
                escaping = false
                switch scalar {
                case ":": out.append(";")
                case "s": out.append(" ")
                case "r": out.append("\r")
                case "n": out.append("\n")
                default: out.append(scalar)
                }
            } else if scalar == "\\" {
                escaping = true
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
