extension IRCMessage {
    /// The wire form of the message, without the CR LF the transport appends.
    ///
    /// Every parameter and the source go through ``IRCText/sanitize(_:allowCTCP:)``, and tag values are escaped,
    /// so the result never contains CR, LF or NUL whatever the values hold: injection is impossible by
    /// construction rather than by each caller remembering. The last parameter gets a `:` only when it needs one
    /// (empty, contains a space, or starts with `:`), which keeps short lines identical to common client output.
    ///
    /// Length is not checked here: use ``IRCLineBudget`` to size PRIVMSG text before building the message.
    public func serialize() -> String {
        var line = ""
        if !tags.isEmpty {
            line += "@"
            for (index, tag) in tags.enumerated() {
                if index > 0 { line += ";" }
                line += tag.key
                // Escaping drops NUL, so a value of NULs alone is written as no value (`key`, not `key=`), the
                // form it parses back to (found by the IRC fuzz target: serialising was not stable).
                let escaped = IRCTag.escape(tag.value)
                if !escaped.isEmpty {
                    line += "="
                    line += escaped
                }
            }
            line += " "
        }
        if let source {
            line += ":"
            line += IRCText.sanitize(source)
            line += " "
        }
        line += command
        for (index, param) in params.enumerated() {
            let isLast = index == params.count - 1
            let clean = IRCText.sanitize(param, allowCTCP: isLast && allowsCTCP)
            line += " "
            if isLast && Self.needsTrailingColon(clean) {
                line += ":"
            }
            line += clean
        }
        return line
    }

    static func needsTrailingColon(_ param: String) -> Bool {
        let bytes = param.utf8
        guard let first = bytes.first else { return true }
        return first == UInt8(ascii: ":") || bytes.contains(UInt8(ascii: " "))
    }
}
