/// The code that reads untrusted bytes, each with the invariants it must keep on *any* input.
///
/// One place for both users: the libFuzzer executables under `FuzzTesting/` call ``run(_:_:)``, which traps on
/// a broken invariant so that libFuzzer saves the input, and the `FuzzCorpusTests` suite replays the committed
/// corpora and fail cases through ``check(_:)``, so that CI exercises every input without libFuzzer.
/// A crash in the code under test (an overflow, an index out of range) traps in both.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// IRC lines as a server sends them: framing, parsing, serialising, CTCP replies, sanitising and splitting.
    case irc
    /// An HTTP endpoint's answer to a poll, in both flavours (generic and Telegram), and the protocol's JSON bodies.
    case pollAnswer = "poll-answer"
    /// The headers an HTTP peer controls: `Entraide-Signature`, GitHub's signature and `Retry-After`.
    case pollHeaders = "poll-headers"
    /// One YAML answer file, loaded as `intents/` would be, and the matcher built from it when it loads.
    case answerFile = "answer-file"
    /// What workers type: the matcher's normalisation, the text shown to volunteers, and a match against the
    /// real answer set.
    case normalizer

    /// The directory name of the target's corpus and fail cases under `FuzzTesting/`.
    public var name: String { rawValue }

    /// Runs the target's code on `bytes` and throws the first invariant it breaks.
    public func check(_ bytes: UnsafeRawBufferPointer) throws(InvariantViolation) {
        switch self {
        case .irc: try IRCChecks.check(bytes)
        case .pollAnswer: try PollAnswerChecks.check(bytes)
        case .pollHeaders: try PollHeaderChecks.check(bytes)
        case .answerFile: try AnswerFileChecks.check(bytes)
        case .normalizer: try NormalizerChecks.check(bytes)
        }
    }

    /// The body of `LLVMFuzzerTestOneInput`: a broken invariant traps, which libFuzzer reports as a crash.
    public func run(_ start: UnsafeRawPointer?, _ count: Int) -> Int32 {
        do {
            try check(UnsafeRawBufferPointer(start: count > 0 ? start : nil, count: count))
        } catch {
            fatalError("\(name): \(error)")
        }
        return 0
    }
}

/// A promise of the code under test that one input broke.
public struct InvariantViolation: Error, Sendable, CustomStringConvertible {
    public let message: String

    public var description: String { message }
}

/// Throws `message` unless `condition` holds. The message is built only on failure.
@inline(__always)
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(InvariantViolation) {
    if !condition { throw InvariantViolation(message: message()) }
}

/// Short, printable excerpt of a value for a violation message.
func excerpt(_ value: some StringProtocol) -> String {
    let text = String(value.prefix(120))
    return text.debugDescription + (value.count > 120 ? "…" : "")
}
