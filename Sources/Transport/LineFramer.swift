/// Splits a byte stream into lines ended by LF (an optional CR before it is dropped), decoded as UTF-8.
///
/// Pure: it never touches a socket, so it is tested a byte at a time, and it is the framer the IRC fuzz target
/// drives (FuzzChecks/IRCChecks.swift, with `IRCMessage.parse` after it as in the IRC channel): one framer, the
/// fuzzed one, in production. A line longer than `maxLineBytes` (CR and LF not counted) is dropped whole and
/// reported at its LF, so a peer cannot grow our memory without bound; the next line is read as usual.
public struct LineFramer: Sendable {
    public enum Output: Sendable, Equatable {
        /// A line, without its LF and CR. Invalid UTF-8 is repaired (U+FFFD), never a crash and never a
        /// dropped line: a stray Latin-1 byte costs one character, not a worker's message.
        case line(String)
        case overlong(byteCount: Int)
    }

    public let maxLineBytes: Int
    private var buffer: [UInt8] = []
    /// Bytes of the current line already thrown away because it was too long.
    private var discarding = 0

    public init(maxLineBytes: Int) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// Whether bytes of an unfinished line are waiting for their LF.
    public var hasPartialLine: Bool { !buffer.isEmpty || discarding > 0 }

    public mutating func feed(_ bytes: some Sequence<UInt8>, yield: (Output) -> Void) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if buffer.last == UInt8(ascii: "\r") { buffer.removeLast() }
                if discarding > 0 || buffer.count > maxLineBytes {
                    yield(.overlong(byteCount: discarding + buffer.count))
                } else {
                    yield(.line(String(decoding: buffer, as: UTF8.self)))
                }
                buffer.removeAll(keepingCapacity: true)
                discarding = 0
            } else if buffer.count > maxLineBytes {
                // One byte past the limit is kept for the CR that may end the line; past that, it is too long.
                discarding += buffer.count + 1
                buffer.removeAll(keepingCapacity: true)
            } else {
                buffer.append(byte)
            }
        }
    }
}
