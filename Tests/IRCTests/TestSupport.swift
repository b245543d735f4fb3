@testable import IRC
import Transport

/// A seeded, deterministic generator (SplitMix64, Steele, Lea & Flood 2014), so a failing random case can be
/// reproduced from its seed alone; `SystemRandomNumberGenerator` could not.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound`. Plain modulo (its bias is negligible at these sizes) is much faster than
    /// `Int.random(in:using:)` in a debug build, which matters for the 100,000-case property test.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(max(1, bound)))
    }

    mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[below(elements.count)]
    }
}

/// One framer outcome in a comparable form.
enum Framed: Equatable, CustomStringConvertible {
    case message(IRCMessage)
    case error(IRCParseError.Reason)

    /// What the IRC channel makes of one framer output: nothing for an empty line.
    static func outcomes(_ output: LineFramer.Output, limit: Int) -> [Framed] {
        switch output {
        case .line(let line): IRCMessage.read(line).map { [Framed($0)] } ?? []
        case .overlong: [.error(.lineTooLong(limit: limit))]
        }
    }

    init(_ result: Result<IRCMessage, IRCParseError>) {
        switch result {
        case .success(let message): self = .message(message)
        case .failure(let error): self = .error(error.reason)
        }
    }

    var description: String {
        switch self {
        case .message(let message): "message(\(message.serialize().debugDescription))"
        case .error(let reason): "error(\(reason))"
        }
    }
}

/// Feeds `bytes` to a fresh production framer (`LineFramer`, then `IRCMessage.read`, as the IRC channel reads) in
/// pieces of the given sizes (cycled) and collects every outcome.
func frame(_ bytes: [UInt8], pieceSizes: [Int] = [Int.max], maxLineBytes: Int = IRCMessage.maximumLineBytes)
    -> [Framed]
{
    var framer = LineFramer(maxLineBytes: maxLineBytes)
    var out: [Framed] = []
    var start = 0
    var piece = 0
    while start < bytes.count {
        let size = max(1, pieceSizes[piece % pieceSizes.count])
        let end = start + min(size, bytes.count - start)
        framer.feed(bytes[start..<end]) { out += Framed.outcomes($0, limit: maxLineBytes) }
        start = end
        piece += 1
    }
    return out
}
