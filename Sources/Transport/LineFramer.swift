/// Splits a byte stream into lines ended by LF (an optional CR before it is dropped).
///
/// Pure: it never touches a socket, so it is tested a byte at a time. A line longer than
/// `maxLineBytes` is dropped whole and reported, so a peer cannot grow our memory without bound.
public struct LineFramer: Sendable {
    public enum Output: Sendable, Equatable {
        case line([UInt8])
        case overlong(byteCount: Int)
    }

    public let maxLineBytes: Int
    private var buffer: [UInt8] = []
    /// Bytes of the current line already thrown away because it was too long.
    private var discarding = 0

    public init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    public mutating func feed(_ bytes: some Sequence<UInt8>, yield: (Output) -> Void) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if discarding > 0 {
                    yield(.overlong(byteCount: discarding + buffer.count))
                } else {
                    if buffer.last == UInt8(ascii: "\r") { buffer.removeLast() }
                    yield(.line(buffer))
                }
                buffer.removeAll(keepingCapacity: true)
                discarding = 0
            } else if buffer.count >= maxLineBytes {
                discarding += buffer.count + 1
                buffer.removeAll(keepingCapacity: true)
            } else {
                buffer.append(byte)
            }
        }
    }
}
