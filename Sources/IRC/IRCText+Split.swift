extension IRCText {
    /// Where a chunk may end early to break at a space: the space must start in the last quarter of the budget,
    /// so preferring a word boundary never makes a chunk much shorter than it could be.
    static let wordBreakWindowDivisor = 4

    /// Splits text into chunks of at most `maxUTF8Bytes` bytes of UTF-8, for one message line each.
    ///
    /// The text is first sanitised (``sanitize(_:allowCTCP:)``, no CTCP). Then:
    /// - chunks end on `Character` (grapheme cluster) boundaries, so a ZWJ emoji, a flag or a letter with its
    ///   combining marks is never cut, and every chunk is valid UTF-8 on its own;
    /// - when a space lies in the last quarter of the budget (ASCII space, tab, or any Unicode space except the
    ///   no-break ones), the chunk ends just after it: the space stays at the end of the earlier chunk and the
    ///   next chunk starts with the next word;
    /// - `chunks.joined() == sanitize(text)` exactly: nothing is trimmed or added;
    /// - empty text (after sanitising) gives no chunks, since servers reject an empty PRIVMSG.
    ///
    /// Last resort: a single grapheme cluster larger than the budget (e.g. one base letter with 10,000 combining
    /// marks, a known way to crash or stall renderers) cannot fit in any line. It is cut between Unicode scalars,
    /// which keeps every chunk valid UTF-8 but does split that one cluster; nothing else is affected.
    ///
    /// - Throws: ``IRCSplitError`` when `maxUTF8Bytes` is below 4, the size of the largest scalar.
    public static func split(_ text: String, maxUTF8Bytes: Int) throws(IRCSplitError) -> [String] {
        guard maxUTF8Bytes >= 4 else { throw IRCSplitError(maxUTF8Bytes: maxUTF8Bytes) }
        let clean = sanitize(text)
        let utf8 = clean.utf8
        let scalars = clean.unicodeScalars
        let windowStartBytes = maxUTF8Bytes - maxUTF8Bytes / wordBreakWindowDivisor
        var chunks: [String] = []
        var start = clean.startIndex
        while start < clean.endIndex {
            guard utf8.distance(from: start, to: clean.endIndex) > maxUTF8Bytes else {
                chunks.append(String(clean[start...]))
                break
            }
            // Walk whole characters forwards (grapheme breaking needs context from the left, so walking forwards
            // keeps the cost linear even across a huge cluster) while they fit.
            var end = start
            var bytes = 0
            var afterSpace: String.Index?
            var overflow = clean.endIndex
            while end < clean.endIndex {
                let next = clean.index(after: end)
                let size = utf8.distance(from: end, to: next)
                guard bytes + size <= maxUTF8Bytes else {
                    overflow = next
                    break
                }
                if bytes >= windowStartBytes, isBreakableSpace(scalars[end]) {
                    afterSpace = next
                }
                bytes += size
                end = next
            }
            guard end > start else {
                // The very first character is larger than a whole line.
                chunks.append(contentsOf: splitByScalars(clean[start..<overflow], maxUTF8Bytes: maxUTF8Bytes))
                start = overflow
                continue
            }
            let breakPoint = afterSpace ?? end
            chunks.append(String(clean[start..<breakPoint]))
            start = breakPoint
        }
        return chunks
    }

    /// Spaces a line may break after. No-break spaces are excluded on purpose: they exist to keep words together.
    /// Checked on the cluster's first scalar, as `Character.isWhitespace` does, without building a `Character`.
    static func isBreakableSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t": true
        case "\u{00A0}", "\u{2007}", "\u{202F}": false
        default: scalar.properties.isWhitespace
        }
    }

    /// Cuts one oversized grapheme cluster between Unicode scalars, each piece at most `maxUTF8Bytes` bytes.
    static func splitByScalars(_ cluster: Substring, maxUTF8Bytes: Int) -> [String] {
        var pieces: [String] = []
        var piece = String.UnicodeScalarView()
        var pieceBytes = 0
        for scalar in cluster.unicodeScalars {
            let size = UTF8.width(scalar)
            if pieceBytes + size > maxUTF8Bytes {
                pieces.append(String(piece))
                piece = String.UnicodeScalarView()
                pieceBytes = 0
            }
            piece.append(scalar)
            pieceBytes += size
        }
        if !piece.isEmpty { pieces.append(String(piece)) }
        return pieces
    }
}

extension IRCText {
    /// The longest prefix of `text` made of whole characters whose UTF-8 fits in `maxUTF8Bytes` (empty if none).
    public static func prefix(_ text: String, maxUTF8Bytes: Int) -> String {
        guard text.utf8.count > maxUTF8Bytes else { return text }
        var end = text.startIndex
        var bytes = 0
        while end < text.endIndex {
            let next = text.index(after: end)
            bytes += text.utf8.distance(from: end, to: next)
            guard bytes <= maxUTF8Bytes else { break }
            end = next
        }
        return String(text[..<end])
    }
}
