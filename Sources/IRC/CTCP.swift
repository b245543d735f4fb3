/// A CTCP request found in a PRIVMSG (modern IRC `ctcp.md`): `\u{01}COMMAND [argument]\u{01}`.
///
/// For an at-risk population the bot answers only `PING` and perhaps a generic `VERSION`, ignores `DCC`,
/// treats `ACTION` as text, and never answers a NOTICE (`reliability.md` §1.8). The cases below are exactly the
/// distinctions those rules need.
public enum CTCPQuery: Sendable, Equatable {
    case version
    /// The token to echo back unchanged.
    case ping(String)
    case time
    case clientinfo
    /// A DCC offer. Its payload (an address and a port) is deliberately not exposed: the bot must not act on it.
    case dcc
    /// `/me` text, to be handled as an ordinary message.
    case action(String)
    /// Any other command, upper-cased and sanitised (safe to log).
    case other(String)

    /// Recognises a CTCP query in PRIVMSG text; `nil` for plain text.
    ///
    /// The whole body is CTCP or none of it is, so only text that *starts* with `\u{01}` counts; the closing
    /// `\u{01}` is optional, as the spec asks parsers to accept its absence.
    public init?(privmsgText text: String) {
        guard let (command, argument) = CTCP.split(text) else { return nil }
        switch command.uppercased() {
        case "VERSION": self = .version
        case "PING": self = .ping(argument)
        case "TIME": self = .time
        case "CLIENTINFO": self = .clientinfo
        case "DCC": self = .dcc
        case "ACTION": self = .action(argument)
        default: self = .other(IRCText.sanitize(command.uppercased()))
        }
    }
}

/// Building and taking apart CTCP bodies.
public enum CTCP {
    /// The byte that frames a CTCP body.
    public static let delimiter: Unicode.Scalar = "\u{01}"

    /// The command and argument of a CTCP body, or `nil` when `text` does not start with the delimiter.
    /// The argument is everything after the first space, up to an optional closing delimiter.
    public static func split(_ text: String) -> (command: String, argument: String)? {
        var body = text.unicodeScalars[...]
        guard body.first == delimiter else { return nil }
        body = body.dropFirst()
        if body.last == delimiter {
            body = body.dropLast()
        }
        guard let space = body.firstIndex(of: " ") else {
            return (String(body), "")
        }
        return (String(body[..<space]), String(body[body.index(after: space)...]))
    }

    /// Whether PRIVMSG or NOTICE text is CTCP rather than plain text.
    public static func isCTCP(_ text: String) -> Bool {
        text.unicodeScalars.first == delimiter
    }

    /// A CTCP reply: `NOTICE <target> :\u{01}COMMAND argument\u{01}` (replies go by NOTICE so they can never
    /// trigger another bot's reply).
    ///
    /// The argument is sanitised (no delimiter, CR, LF, NUL inside) and cut on a character boundary so the whole
    /// line fits `budget`: a peer can send a PING token of almost 512 bytes, and echoing it whole would make a
    /// line over 512 bytes, which ngircd answers by disconnecting the bot (`reliability.md` K2).
    ///
    /// - Throws: ``IRCMessageError`` when `command` is not ASCII letters, or `target` is not a usable parameter or
    ///   leaves no room for the reply within the line.
    public static func reply(
        to target: String,
        command: String,
        argument: String = "",
        budget: IRCLineBudget
    ) throws(IRCMessageError) -> IRCMessage {
        let bytes = command.utf8
        guard !bytes.isEmpty, bytes.allSatisfy(isASCIILetter) else {
            throw IRCMessageError(.invalidCommand, detail: command)
        }
        let name = command.uppercased()
        var body = "\u{01}" + name
        // Two delimiters, the name, and the space before the argument.
        let room = budget.privmsgPayloadBytes(target: target) - 2 - name.utf8.count - 1
        // Without this, a target of a few hundred bytes gave an over-long line (found by the IRC fuzz target);
        // servers truncate or disconnect, so refuse as the splitter does for PRIVMSG.
        guard room >= 0 else { throw IRCMessageError(.targetTooLong, detail: target) }
        let cleanArgument = IRCText.prefix(IRCText.sanitize(argument), maxUTF8Bytes: room)
        if !cleanArgument.isEmpty {
            body += " " + cleanArgument
        }
        body += "\u{01}"
        return try IRCMessage(command: "NOTICE", params: [target, body], allowsCTCP: true)
    }
}

extension IRCMessage {
    /// The CTCP query carried by this message: only a PRIVMSG with a target and text can carry one
    /// (a NOTICE holds replies, which must never be answered).
    public var ctcpQuery: CTCPQuery? {
        guard command == "PRIVMSG", params.count >= 2, let text = params.last else { return nil }
        return CTCPQuery(privmsgText: text)
    }
}
