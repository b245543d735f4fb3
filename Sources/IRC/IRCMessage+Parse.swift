extension IRCMessage {
    /// A line as the connection read it (framed by `Transport.LineFramer`, without CR LF): nil for an empty line,
    /// which servers and proxies send and which says nothing; else the message, or why it is not one. What the
    /// IRC channel does with every line, and what the IRC fuzz target checks after the same framer.
    public static func read(_ line: String) -> Result<IRCMessage, IRCParseError>? {
        guard !line.isEmpty else { return nil }
        do {
            return .success(try parse(line))
        } catch {
            return .failure(error)
        }
    }

    /// The longest line the IRC channel reads: 8191 bytes of tags (IRCv3 message-tags, including `@` and the
    /// trailing space) plus 510 bytes of message (RFC 1459's 512 minus CR LF). Longer lines are not IRC;
    /// buffering them would let a peer grow memory.
    public static let maximumLineBytes = 8191 + 510

    /// Parses one line (without CR LF) as modern IRC describes it:
    /// `['@' tags ' '] [':' source ' '] command [' ' param]* [' :' trailing]`.
    ///
    /// Tolerant where servers are known to be sloppy (several spaces between parts, trailing spaces, tags
    /// with invalid keys are dropped rather than losing the message); strict where a mistake would mislead the
    /// application (a missing or malformed command is an error).
    public static func parse(_ line: String) throws(IRCParseError) -> IRCMessage {
        try parse(line[...])
    }

    /// The same as ``parse(_:)`` for a slice of a larger buffer.
    public static func parse(_ line: Substring) throws(IRCParseError) -> IRCMessage {
        let space = UInt8(ascii: " ")
        let bytes = line.utf8
        var cursor = bytes.startIndex

        func skipSpaces() {
            while cursor < bytes.endIndex, bytes[cursor] == space {
                cursor = bytes.index(after: cursor)
            }
        }
        /// The end of the space-delimited token starting at `cursor`.
        func tokenEnd() -> String.Index {
            bytes[cursor...].firstIndex(of: space) ?? bytes.endIndex
        }

        var tags: [IRCTag] = []
        if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: "@") {
            let end = tokenEnd()
            tags = parseTags(line[bytes.index(after: cursor)..<end])
            cursor = end
        }
        skipSpaces()

        var source: String?
        if cursor < bytes.endIndex, bytes[cursor] == UInt8(ascii: ":") {
            let start = bytes.index(after: cursor)
            cursor = tokenEnd()
            guard start < cursor else { throw IRCParseError(.invalidSource, line: line) }
            source = String(line[start..<cursor])
            skipSpaces()
        }

        guard cursor < bytes.endIndex else { throw IRCParseError(.missingCommand, line: line) }
        let commandEnd = tokenEnd()
        let command = line[cursor..<commandEnd]
        cursor = commandEnd

        var params: [String] = []
        while true {
            skipSpaces()
            guard cursor < bytes.endIndex else { break }
            if bytes[cursor] == UInt8(ascii: ":") {
                params.append(String(line[bytes.index(after: cursor)...]))
                break
            }
            let end = tokenEnd()
            params.append(String(line[cursor..<end]))
            cursor = end
        }

        guard let normalized = normalizedCommand(command) else {
            throw IRCParseError(.invalidCommand, line: line)
        }
        if let source, !isValidSource(source) {
            throw IRCParseError(.invalidSource, line: line)
        }
        if let index = firstInvalidMiddleIndex(params) {
            throw IRCParseError(.invalidParameter(index: index), line: line)
        }
        return IRCMessage(checkedTags: tags, source: source, command: normalized, params: params, allowsCTCP: false)
    }

    /// Splits `a=b;c;d=e` into tags, unescaping values. Invalid keys are skipped: client-only tags are relayed
    /// from other users, and one odd key must not make the bot lose a worker's message.
    ///
    /// Split on bytes, not characters: a `;` or `=` followed by a combining mark or a ZWJ is one `Character` with
    /// it, so a value starting with one lost its tag (found by the IRC fuzz target).
    static func parseTags(_ section: Substring) -> [IRCTag] {
        var tags: [IRCTag] = []
        var positions: [String: Int] = [:]
        for item in section.utf8.split(separator: UInt8(ascii: ";")) {
            let key: Substring
            let value: String
            if let equals = item.firstIndex(of: UInt8(ascii: "=")) {
                key = Substring(item[..<equals])
                value = IRCTag.unescape(Substring(item[item.index(after: equals)...]))
            } else {
                key = Substring(item)
                value = ""
            }
            let keyString = String(key)
            guard IRCTag.isValidKey(keyString) else { continue }
            let tag = IRCTag(key: keyString, value: value)
            if let position = positions[keyString] {
                tags[position] = tag
            } else {
                positions[keyString] = tags.count
                tags.append(tag)
            }
        }
        return tags
    }
}
