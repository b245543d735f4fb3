/// One IRC protocol message, as parsed from a server line or built to be sent.
///
/// The value is pure data: it never touches a socket. Building one through
/// ``init(tags:source:command:params:allowsCTCP:)`` validates everything that could change the *shape* of the
/// line (command, tag keys, source, middle parameters), and ``serialize()`` sanitises every parameter, so a
/// serialised message is always exactly one well-formed line (`reliability.md` §1.11: CR/LF/NUL injection is a
/// recurring CVE class).
///
/// Parameters keep the text exactly as received (including CTCP `\u{01}` and formatting codes), because the
/// application needs to see it; sanitising happens on the way out.
public struct IRCMessage: Sendable, Equatable {
    /// IRCv3 message tags in wire order. Ordered (not a dictionary) so a parsed line serialises back in the same
    /// order; a duplicated key keeps the position of its first occurrence and the value of its last, as the
    /// message-tags spec asks ("disregard all but the final occurrence").
    public let tags: [IRCTag]

    /// The source (prefix) without its leading `:`, e.g. `nick!user@host` or a server name.
    /// Clients must not send one (modern IRC); it is only set on parsed messages and in tests.
    public let source: String?

    /// The command: ASCII letters upper-cased (servers match commands case-insensitively, and one spelling makes
    /// `==` and `switch` reliable), or a three-digit numeric such as `"001"`.
    public let command: String

    /// The parameters, the trailing one already stripped of its `:`. Never contains the empty middle parameters
    /// or spaces that would change the line's shape (validated at construction).
    public let params: [String]

    /// Whether ``serialize()`` keeps the CTCP delimiter `\u{01}` in the last parameter. Only the CTCP builders set
    /// it, so ordinary text can never smuggle a CTCP request (e.g. a `DCC` offer) to a volunteer.
    public let allowsCTCP: Bool

    /// Builds a message to send, validating what would otherwise let a value alter the structure of the line.
    ///
    /// - Throws: ``IRCMessageError`` when the command is not letters or three digits, a tag key is not an IRCv3
    ///   key, the source is empty or contains a space, or a middle parameter is empty, contains a space or starts
    ///   with `:` once sanitised (only the last parameter may be free text).
    public init(
        tags: [IRCTag] = [],
        source: String? = nil,
        command: String,
        params: [String] = [],
        allowsCTCP: Bool = false
    ) throws(IRCMessageError) {
        guard let normalized = Self.normalizedCommand(command) else {
            throw IRCMessageError(.invalidCommand, detail: command)
        }
        if let tag = tags.first(where: { !IRCTag.isValidKey($0.key) }) {
            throw IRCMessageError(.invalidTagKey, detail: tag.key)
        }
        if let source, !Self.isValidSource(source) {
            throw IRCMessageError(.invalidSource, detail: source)
        }
        if let index = Self.firstInvalidMiddleIndex(params) {
            throw IRCMessageError(.invalidMiddleParameter(index: index), detail: params[index])
        }
        self.init(checkedTags: tags, source: source, command: normalized, params: params, allowsCTCP: allowsCTCP)
    }

    /// The memberwise initialiser, for callers that have already run the checks above (the parser).
    init(checkedTags tags: [IRCTag], source: String?, command: String, params: [String], allowsCTCP: Bool) {
        self.tags = tags
        self.source = source
        self.command = command
        self.params = params
        self.allowsCTCP = allowsCTCP
    }

    /// The nick part of ``source`` (`nick` in `nick!user@host`). A server name source yields the whole name,
    /// because the two cannot be told apart syntactically. Never use it to authenticate (nicks are spoofable,
    /// `reliability.md` §1.10); use the `account` tag.
    ///
    /// The parts are found by bytes, not characters: `!` followed by a combining mark is one `Character`, which
    /// let a user part starting with one end up in the nick.
    public var nick: String? {
        guard let source else { return nil }
        let end = source.utf8.firstIndex(where: { $0 == UInt8(ascii: "!") || $0 == UInt8(ascii: "@") })
        return String(source[..<(end ?? source.endIndex)])
    }

    /// The user (ident) part of ``source``, client-supplied and therefore spoofable.
    public var user: String? {
        guard let source, let bang = source.utf8.firstIndex(of: UInt8(ascii: "!")) else { return nil }
        let start = source.utf8.index(after: bang)
        let end = source.utf8[start...].firstIndex(of: UInt8(ascii: "@")) ?? source.endIndex
        return String(source[start..<end])
    }

    /// The host part of ``source``, the only part a server verifies.
    public var host: String? {
        guard let source, let at = source.utf8.firstIndex(of: UInt8(ascii: "@")) else { return nil }
        return String(source[source.utf8.index(after: at)...])
    }

    /// The value of the last tag named `key`, `""` for a tag present without a value, `nil` when absent.
    public func tagValue(forKey key: String) -> String? {
        tags.last(where: { $0.key == key })?.value
    }

    /// Upper-cases an alphabetic command and accepts a three-digit numeric; `nil` for anything else.
    static func normalizedCommand(_ command: some StringProtocol) -> String? {
        let bytes = command.utf8
        guard !bytes.isEmpty else { return nil }
        if bytes.allSatisfy(isASCIIDigit) {
            return bytes.count == 3 ? String(command) : nil
        }
        guard bytes.allSatisfy(isASCIILetter) else { return nil }
        return String(decoding: bytes.map { $0 & ~0x20 }, as: UTF8.self)
    }

    /// A source must stay one token: non-empty and without spaces once sanitised.
    static func isValidSource(_ source: String) -> Bool {
        let clean = IRCText.sanitize(source).utf8
        return !clean.isEmpty && !clean.contains(UInt8(ascii: " "))
    }

    /// The index of the first parameter before the last whose sanitised form could split, merge or become the
    /// trailing parameter (empty, containing a space, or starting with `:`); `nil` when all are safe.
    static func firstInvalidMiddleIndex(_ params: [String]) -> Int? {
        params.indices.dropLast().first { index in
            let clean = IRCText.sanitize(params[index]).utf8
            guard let first = clean.first, first != UInt8(ascii: ":") else { return true }
            return clean.contains(UInt8(ascii: " "))
        }
    }
}

@inline(__always)
func isASCIILetter(_ byte: UInt8) -> Bool {
    let lower = byte | 0x20
    return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
}

@inline(__always)
func isASCIIDigit(_ byte: UInt8) -> Bool {
    return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}
