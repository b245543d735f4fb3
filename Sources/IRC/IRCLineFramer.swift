/// Turns the byte stream read from the server into messages, whatever the read sizes.
///
/// Reads arrive as arbitrary chunks (libcurl `curl_easy_recv`), so partial lines are buffered until their LF.
/// The framer never touches a socket and never throws: each line yields either a message or an error, and a bad
/// line never stops the lines after it.
public struct IRCLineFramer: Sendable {
    /// 8191 bytes of tags (IRCv3 message-tags, including `@` and the trailing space) plus 510 bytes of message
    /// (RFC 1459's 512 minus CR LF). Longer lines are not IRC; buffering them would let a peer grow memory.
    public static let defaultMaxLineBytes = 8191 + 510

    /// The longest line accepted, in bytes, excluding the LF and an optional CR before it.
    public let maxLineBytes: Int

    private var buffer: [UInt8] = []
    /// True while the rest of an over-long line is being skipped up to its LF.
    private var discarding = false

    public init(maxLineBytes: Int = IRCLineFramer.defaultMaxLineBytes) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// Whether bytes of an unfinished line are waiting for their LF.
    public var hasPartialLine: Bool {
        !buffer.isEmpty || discarding
    }

    /// Feeds bytes as read and calls `yield` once per complete line, in order.
    ///
    /// Lines end at LF; a CR just before it is dropped (servers send CR LF, some only LF). Empty lines are
    /// skipped silently. Invalid UTF-8 is decoded with U+FFFD rather than rejected, so a stray Latin-1 byte costs
    /// one character, not a worker's message. A line over ``maxLineBytes`` yields one
    /// ``IRCParseError/Reason/lineTooLong(limit:)`` as soon as the limit is passed and is skipped up to its LF.
    public mutating func feed(_ bytes: some Sequence<UInt8>, yield: (Result<IRCMessage, IRCParseError>) -> Void) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if discarding {
                    discarding = false
                } else {
                    finishLine(yield: yield)
                }
                continue
            }
            if discarding { continue }
            buffer.append(byte)
            // One extra byte is allowed for the CR that may precede the LF.
            if buffer.count > maxLineBytes + 1 {
                yield(.failure(IRCParseError(.lineTooLong(limit: maxLineBytes), line: decodedBuffer(prefix: 400))))
                buffer.removeAll(keepingCapacity: true)
                discarding = true
            }
        }
    }

    private mutating func finishLine(yield: (Result<IRCMessage, IRCParseError>) -> Void) {
        defer { buffer.removeAll(keepingCapacity: true) }
        if buffer.last == UInt8(ascii: "\r") {
            buffer.removeLast()
        }
        guard !buffer.isEmpty else { return }
        let line = decodedBuffer()
        guard buffer.count <= maxLineBytes else {
            yield(.failure(IRCParseError(.lineTooLong(limit: maxLineBytes), line: line)))
            return
        }
        do {
            yield(.success(try IRCMessage.parse(line)))
        } catch {
            yield(.failure(error))
        }
    }

    /// The buffered bytes as text; `prefix` bounds the work when only an error excerpt is needed.
    private func decodedBuffer(prefix: Int = .max) -> String {
        String(decoding: buffer.prefix(prefix), as: UTF8.self)
    }
}
