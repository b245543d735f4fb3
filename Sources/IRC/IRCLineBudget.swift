/// How many bytes of text fit in one PRIVMSG once the server has relayed it.
///
/// A line is at most 512 bytes including CR LF, and the server prepends `:nick!user@host ` when it relays our
/// PRIVMSG to the recipient. Text sized for our own 512 bytes therefore arrives cut, silently
/// (`reliability.md` K1, §1.2: 495 payload bytes arrived as 471 on ngircd). The budget reserves the worst-case
/// prefix unless the real one is known.
public struct IRCLineBudget: Sendable, Equatable {
    /// RFC 1459 §2.3: 512 bytes including the CR LF. Tags have their own separate 8191-byte budget.
    public static let maxLineBytes = 512

    /// The longest hostname (RFC 1035 label limit used by servers for cloaks and hosts).
    public static let worstCaseHostBytes = 63
    /// A user (ident) of up to 9 bytes plus the `~` servers add when identd does not answer.
    public static let worstCaseUserBytes = 10

    /// Bytes of the relay prefix `:nick!user@host ` the server adds, including the `:` and the space.
    public let relayPrefixBytes: Int

    /// A budget for an unknown prefix: the nick takes `nickLength` bytes (the server's `NICKLEN`, or the bot's own
    /// nick length once registered), and user and host their maxima.
    public init(
        nickLength: Int,
        userLength: Int = IRCLineBudget.worstCaseUserBytes,
        hostLength: Int = IRCLineBudget.worstCaseHostBytes
    ) {
        // ":" nick "!" user "@" host " "
        relayPrefixBytes = 1 + max(0, nickLength) + 1 + max(0, userLength) + 1 + max(0, hostLength) + 1
    }

    /// A budget for a known prefix (`nick!user@host`, e.g. learned from RPL_WELCOME or an echo-message).
    public init(knownSource source: String) {
        relayPrefixBytes = 1 + IRCText.sanitize(source).utf8.count + 1
    }

    /// The most UTF-8 bytes of text one `PRIVMSG <target> :<text>` can carry and still arrive whole:
    /// 512 − CR LF − relay prefix − `PRIVMSG` − space − target − ` :`. May be zero or negative for an
    /// absurdly long target. Also valid for NOTICE, whose command name is one byte shorter.
    public func privmsgPayloadBytes(target: String) -> Int {
        let targetBytes = IRCText.sanitizedParameter(target).utf8.count
        return Self.maxLineBytes - 2 - relayPrefixBytes - "PRIVMSG".utf8.count - 1 - targetBytes - 2
    }

    /// Splits `text` into PRIVMSG-sized chunks for `target`; see ``IRCText/split(_:maxUTF8Bytes:)``. Every chunk
    /// after the first starts with `continuation` (room is kept for it): the bot passes "… " so that no part of a
    /// worker's long text relayed to a volunteer starts a message with words of the worker's choosing.
    ///
    /// - Throws: ``IRCSplitError`` when the target leaves fewer than 4 bytes (one scalar) of room.
    public func splitForPRIVMSG(_ text: String, target: String, continuation: String = "") throws(IRCSplitError) -> [String] {
        let chunks = try IRCText.split(text, maxUTF8Bytes: privmsgPayloadBytes(target: target) - continuation.utf8.count)
        return chunks.enumerated().map { $0.offset == 0 ? $0.element : continuation + $0.element }
    }
}

/// The budget left no room for text, so no chunk could be produced.
public struct IRCSplitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The budget that was too small (bytes); at least 4 are needed to carry any Unicode scalar.
    public let maxUTF8Bytes: Int

    public var description: String {
        "IRC text budget of \(maxUTF8Bytes) bytes cannot carry a character; is the target name too long?"
    }
}
