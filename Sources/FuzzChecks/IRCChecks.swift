import IRC
import Transport

/// The bytes are what a server sent (several lines, any bytes). The promises checked:
/// - the production framer (`Transport.LineFramer`, then `IRCMessage.read`, as the IRC channel reads) gives the
///   same messages and errors whatever the read sizes, and exactly what parsing each line gives (an error for a
///   line over its limit);
/// - `nick`, `user` and `host` are the parts of the source around its first `!` and `@`;
/// - every parsed message serialises to one line without CR, LF or NUL that parses back to a message with the same
///   serialisation, and to the very same message when its fields hold nothing that serialising removes;
/// - a CTCP reply or a PRIVMSG built through the sanitising path fits 512 bytes once the server adds its prefix;
/// - `IRCText.sanitize` equals its scalar-by-scalar definition and is idempotent; `IRCText.split` gives chunks
///   within the budget that join back to the sanitised text and cut no character that fits in a chunk.
enum IRCChecks {
    /// The budget the bot uses before it knows its own prefix (NICKLEN 30, worst-case user and host).
    static let budget = IRCLineBudget(nickLength: 30)
    /// A small line limit too, so that over-long lines are exercised with short inputs.
    static let smallLineLimit = 64

    static func check(_ bytes: UnsafeRawBufferPointer) throws(InvariantViolation) {
        // Read sizes chosen by the input itself, 1 to 8 bytes, so the fuzzer explores where reads end.
        let readSizes = bytes.prefix(64).map { Int($0 % 8) + 1 }
        for limit in [IRCMessage.maximumLineBytes, smallLineLimit] {
            let whole = frame(bytes, maxLineBytes: limit, readSizes: [])
            let pieces = frame(bytes, maxLineBytes: limit, readSizes: readSizes)
            try require(whole == pieces, "framing depends on read sizes (limit \(limit))")
            try checkFraming(whole, of: bytes, maxLineBytes: limit)
            guard limit == IRCMessage.maximumLineBytes else { continue }
            for case .success(let message) in whole {
                try checkRoundTrip(message)
                try checkSourceParts(message)
                try checkReplies(to: message)
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        try checkSanitize(text)
        // Budgets: the smallest allowed, a small one chosen by the input, and a real PRIVMSG payload.
        let chosen = 4 + Int(bytes.first ?? 0) % 64
        for maxBytes in [4, chosen, budget.privmsgPayloadBytes(target: "#entraide")] {
            try checkSplit(text, maxUTF8Bytes: maxBytes)
        }
    }

    static func frame(
        _ bytes: UnsafeRawBufferPointer, maxLineBytes: Int, readSizes: [Int]
    ) -> [Result<IRCMessage, IRCParseError>] {
        var framer = LineFramer(maxLineBytes: maxLineBytes)
        var results: [Result<IRCMessage, IRCParseError>] = []
        func collect(_ output: LineFramer.Output) {
            switch output {
            case .line(let line):
                if let result = IRCMessage.read(line) { results.append(result) }
            case .overlong:
                results.append(.failure(IRCParseError(.lineTooLong(limit: maxLineBytes), line: "")))
            }
        }
        guard !readSizes.isEmpty else {
            framer.feed(bytes, yield: collect)
            return results
        }
        var start = 0
        var read = 0
        while start < bytes.count {
            let end = min(bytes.count, start + readSizes[read % readSizes.count])
            framer.feed(bytes[start..<end], yield: collect)
            start = end
            read += 1
        }
        return results
    }

    /// The framer's results against a plain model: one result per complete non-empty line (LF-terminated, one
    /// CR before the LF dropped), a `lineTooLong` error exactly for lines over the limit, and otherwise what
    /// `IRCMessage.parse` says of the line decoded with U+FFFD for invalid UTF-8. An unfinished last line gives
    /// nothing, however long (its error comes with its LF).
    static func checkFraming(
        _ results: [Result<IRCMessage, IRCParseError>], of bytes: UnsafeRawBufferPointer, maxLineBytes: Int
    ) throws(InvariantViolation) {
        let segments = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        var lines = segments.dropLast().map { line in line.last == 0x0D ? line.dropLast() : line[...] }
        lines.removeAll { $0.isEmpty }
        try require(results.count == lines.count, "\(results.count) results for \(lines.count) lines")
        for (result, line) in zip(results, lines) {
            let isTooLong: Bool
            if case .failure(let error) = result, case .lineTooLong = error.reason {
                isTooLong = true
            } else {
                isTooLong = false
            }
            try require(
                isTooLong == (line.count > maxLineBytes),
                "a line of \(line.count) bytes (limit \(maxLineBytes)) gave \(result)")
            guard !isTooLong else { continue }
            let expected = Result { () throws(IRCParseError) in
                try IRCMessage.parse(String(decoding: line, as: UTF8.self))
            }
            try require(result == expected, "the framer's \(result) differs from parsing the line: \(expected)")
        }
    }

    static func checkNoLineBreak(_ line: String, _ what: String) throws(InvariantViolation) {
        let forbidden: [UInt8] = [0x0D, 0x0A, 0x00]
        try require(!line.utf8.contains(where: forbidden.contains), "\(what) holds CR, LF or NUL: \(excerpt(line))")
    }

    static func checkRoundTrip(_ message: IRCMessage) throws(InvariantViolation) {
        let line = message.serialize()
        try checkNoLineBreak(line, "a serialised message")
        let again: IRCMessage
        do {
            again = try IRCMessage.parse(line)
        } catch {
            throw InvariantViolation(message: "a serialised message does not parse (\(error)): \(excerpt(line))")
        }
        try require(again.serialize() == line, "serialising is not stable: \(excerpt(line))")
        // Serialising removes control characters (and the CTCP delimiter: parsed messages never allow it)
        // and NUL from tag values; a message without them must come back whole.
        let isClean =
            message.params.allSatisfy { IRCText.sanitize($0) == $0 }
            && message.source.map { IRCText.sanitize($0) == $0 } ?? true
            && message.tags.allSatisfy { !$0.value.utf8.contains(0) }
        if isClean {
            try require(again == message, "parse(serialize(m)) != m for \(excerpt(line))")
        }
    }

    /// `nick`, `user` and `host` are the parts of the source between the first `!` and `@` bytes.
    static func checkSourceParts(_ message: IRCMessage) throws(InvariantViolation) {
        guard let source = message.source, let nick = message.nick else { return }
        let separators: [UInt8] = [UInt8(ascii: "!"), UInt8(ascii: "@")]
        try require(
            source.utf8.starts(with: nick.utf8) && !nick.utf8.contains(where: separators.contains),
            "nick \(excerpt(nick)) of source \(excerpt(source))")
        // `a@b!c` has a user too (after the `!`), but not right after the nick.
        if let user = message.user, source.utf8.starts(with: (nick + "!").utf8) {
            try require(
                !user.utf8.contains(UInt8(ascii: "@")) && source.utf8.starts(with: (nick + "!" + user).utf8),
                "user \(excerpt(user)) of source \(excerpt(source))")
        }
        if let host = message.host {
            try require(
                source.utf8.reversed().starts(with: ("@" + host).utf8.reversed()),
                "host \(excerpt(host)) of \(excerpt(source))")
        }
    }

    /// The replies the bot may send after reading `message`: a CTCP PING answer and its text as PRIVMSG chunks.
    static func checkReplies(to message: IRCMessage) throws(InvariantViolation) {
        guard let target = message.params.first, let text = message.params.last else { return }
        let limit = IRCLineBudget.maxLineBytes - 2 - budget.relayPrefixBytes
        if let reply = try? CTCP.reply(to: target, command: "PING", argument: text, budget: budget) {
            let line = reply.serialize()
            try checkNoLineBreak(line, "a CTCP reply")
            try require(line.utf8.count <= limit, "a CTCP reply of \(line.utf8.count) bytes: \(excerpt(line))")
            let body = reply.params.last ?? ""
            try require(
                body.unicodeScalars.filter { $0 == CTCP.delimiter }.count == 2,
                "a CTCP reply body with a delimiter inside: \(excerpt(body))")
        }
        let payload = budget.privmsgPayloadBytes(target: target)
        let chunks: [String]
        do {
            chunks = try budget.splitForPRIVMSG(text, target: target)
        } catch {
            try require(payload < 4, "no chunks for a payload of \(payload) bytes")
            return
        }
        for chunk in chunks {
            guard let privmsg = try? IRCMessage(command: "PRIVMSG", params: [target, chunk]) else { continue }
            let line = privmsg.serialize()
            try checkNoLineBreak(line, "a PRIVMSG")
            try require(line.utf8.count <= limit, "a PRIVMSG of \(line.utf8.count) bytes: \(excerpt(line))")
        }
    }

    static func checkSanitize(_ text: String) throws(InvariantViolation) {
        for allowCTCP in [false, true] {
            let clean = IRCText.sanitize(text, allowCTCP: allowCTCP)
            var definition = String.UnicodeScalarView()
            for scalar in text.unicodeScalars where !IRCText.isRemoved(scalar, allowCTCP: allowCTCP) {
                definition.append(scalar)
            }
            try require(
                clean.utf8.elementsEqual(String(definition).utf8),
                "sanitize (allowCTCP \(allowCTCP)) differs from its definition on \(excerpt(text))")
            try require(IRCText.sanitize(clean, allowCTCP: allowCTCP) == clean, "sanitize is not idempotent")
            // A substring that does not start at offset 0 takes the same path through its own bytes.
            let tail = text.dropFirst()
            try require(
                IRCText.sanitize(tail, allowCTCP: allowCTCP) == IRCText.sanitize(String(tail), allowCTCP: allowCTCP),
                "sanitize of a substring differs")
        }
    }

    static func checkSplit(_ text: String, maxUTF8Bytes: Int) throws(InvariantViolation) {
        let chunks: [String]
        do {
            chunks = try IRCText.split(text, maxUTF8Bytes: maxUTF8Bytes)
        } catch {
            throw InvariantViolation(message: "split refused a budget of \(maxUTF8Bytes) bytes")
        }
        let clean = IRCText.sanitize(text)
        try require(
            chunks.joined().utf8.elementsEqual(clean.utf8),
            "split(\(maxUTF8Bytes)) does not join back to the sanitised text")
        for chunk in chunks {
            try require(!chunk.isEmpty, "split(\(maxUTF8Bytes)) gave an empty chunk")
            try require(
                chunk.utf8.count <= maxUTF8Bytes,
                "split(\(maxUTF8Bytes)) gave a chunk of \(chunk.utf8.count) bytes")
        }
        // When every character fits in a chunk, no character is cut: the chunks hold as many characters as the text.
        if clean.allSatisfy({ $0.utf8.count <= maxUTF8Bytes }) {
            try require(
                chunks.reduce(0) { $0 + $1.count } == clean.count,
                "split(\(maxUTF8Bytes)) cut a character that fits in a chunk: \(excerpt(clean))")
        }
    }
}
