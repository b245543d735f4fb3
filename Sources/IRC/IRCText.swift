/// Cleaning text before it goes on the wire.
///
/// Relayed text (a worker's message, an answer file, a page title) is untrusted. Servers split lines on a bare LF,
/// ngircd also on a bare CR, and one NUL wedges an ngircd connection (`reliability.md` §1.11), so every outgoing
/// parameter loses these characters here, in one place, rather than at each call site.
public enum IRCText {
    /// Returns `text` without the characters that can break IRC framing or mislead a reader:
    ///
    /// - C0 controls U+0000–U+001F and DEL: CR, LF and NUL break framing; the rest (IRC colour and formatting
    ///   codes) can hide or restyle text. **TAB is kept**: no server splits on it and the ircdocs parser tests
    ///   require it to round-trip.
    /// - U+0001 (the CTCP delimiter) unless `allowCTCP` is true, so only code that means to send CTCP can.
    /// - C1 controls U+0080–U+009F (NEL is a line break in some clients).
    /// - Bidi embeddings, overrides and isolates U+202A–U+202E, U+2066–U+2069: an unbalanced one reverses the rest
    ///   of the line in the reader's client, which can make a message read as something else. Removing them all is
    ///   simpler than balancing them; the implicit marks (U+200E, U+200F, U+061C) stay, Arabic text needs them.
    /// - U+2028 and U+2029 (line and paragraph separators): some clients draw them as a new line, which lets text
    ///   fake a second message from another sender.
    ///
    /// The function is idempotent, and never changes text that has none of these characters.
    public static func sanitize(_ text: some StringProtocol, allowCTCP: Bool = false) -> String {
        let result = text.utf8.withContiguousStorageIfAvailable { buffer -> String? in
            sanitizedUTF8(UnsafeRawBufferPointer(buffer), allowCTCP: allowCTCP)
        }
        switch result {
        case .some(.some(let cleaned)): return cleaned
        case .some(.none): return String(text)
        case .none:
            // Not contiguous UTF-8 (a bridged string): the scalar-by-scalar definition, slower but identical.
            var out = String.UnicodeScalarView()
            for scalar in text.unicodeScalars where !isRemoved(scalar, allowCTCP: allowCTCP) {
                out.append(scalar)
            }
            return String(out)
        }
    }

    /// ``sanitize(_:allowCTCP:)`` without CTCP: the form every ordinary parameter (target, text, topic,
    /// nick, realname) is sent in.
    public static func sanitizedParameter(_ text: some StringProtocol) -> String {
        sanitize(text, allowCTCP: false)
    }

    /// Whether ``sanitize(_:allowCTCP:)`` removes `scalar`.
    public static func isRemoved(_ scalar: Unicode.Scalar, allowCTCP: Bool = false) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x01: !allowCTCP
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true
        case 0x2028, 0x2029: true
        default: false
        }
    }
}
