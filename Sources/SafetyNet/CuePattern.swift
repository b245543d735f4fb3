/// One cue as an operator writes it (`kill* myself`, `en finir`, `pills ... saved`), compiled.
///
/// The words must come in order; between two of them at most one other word may stand (`want to really
/// die`), or up to four where the operator wrote `...`. `word*` is a prefix (at least three letters),
/// `a|b` alternatives, and a Latin word of six letters or more also matches with one typo (`suicde`).
public struct CuePattern: Sendable, Equatable {
    /// As written in the file, for explanations and problems.
    public let source: String
    let elements: [Element]

    struct Element: Sendable, Equatable {
        /// Each alternative is a run of consecutive words: one typed word may normalise to several
        /// (`ma3ad` is read `ma 3 ad`, letters and digits apart).
        var alternatives: [[WordTest]]
        /// How many other words may stand before this one (0 for the first element).
        var gap: Int

        /// The index after the words matched from `position`, or nil.
        func end(_ words: [CueWord], at position: Int) -> Int? {
            for run in alternatives where position + run.count <= words.count {
                if run.indices.allSatisfy({ run[$0].matches(words[position + $0]) }) { return position + run.count }
            }
            return nil
        }
    }

    enum WordTest: Sendable, Equatable {
        case exact(String)
        case prefix(String)
        /// Exact, or one edit away (letters missing, extra, wrong or swapped).
        case fuzzy(String, [Unicode.Scalar])

        func matches(_ word: CueWord) -> Bool {
            if word.masked { return false }
            switch self {
            case .exact(let text):
                return word.text == text || word.readings.contains(text)
            case .prefix(let text):
                return word.text.hasPrefix(text) || word.readings.contains { $0.hasPrefix(text) }
            case .fuzzy(let text, let scalars):
                return word.text == text || (word.isLatin && Self.withinOneEdit(scalars, word.scalars))
            }
        }

        /// Damerau distance at most one, without building a table: the words are short.
        static func withinOneEdit(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Bool {
            let (m, n) = (a.count, b.count)
            guard abs(m - n) <= 1, m > 0, n > 0 else { return false }
            var i = 0
            while i < min(m, n) && a[i] == b[i] { i += 1 }
            if i == m && i == n { return true }
            // a[x...] == b[y...], by index: slices cost a retain and a release each, on every cue of a length.
            func sameTail(_ x: Int, _ y: Int) -> Bool {
                guard m - x == n - y else { return false }
                var (p, q) = (x, y)
                while p < m {
                    if a[p] != b[q] { return false }
                    p += 1
                    q += 1
                }
                return true
            }
            if m == n {
                if sameTail(i + 1, i + 1) { return true }
                return i + 1 < m && a[i] == b[i + 1] && a[i + 1] == b[i] && sameTail(i + 2, i + 2)
            }
            return m > n ? sameTail(i + 1, i) : sameTail(i, i + 1)
        }
    }

    /// Words allowed between two cue words by default, and after `...`.
    static let defaultGap = 1
    static let wideGap = 4
    static let fuzzyMinimumLength = 6
    static let prefixMinimumLength = 3

    public enum CompileError: Error, Equatable, CustomStringConvertible {
        case empty
        case shortPrefix(String)
        case dangling

        public var description: String {
            switch self {
            case .empty: "the cue has no words once normalised"
            case .shortPrefix(let word): "'\(word)*' is too short: a prefix needs at least 3 letters"
            case .dangling: "'...' must stand between two words"
            }
        }
    }

    public init(_ source: String) throws(CompileError) {
        self.source = source
        var elements: [Element] = []
        var wide = false
        for raw in source.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            if raw == "..." || raw == "\u{2026}" {
                guard !elements.isEmpty else { throw .dangling }
                wide = true
                continue
            }
            var alternatives: [[WordTest]] = []
            for option in raw.split(separator: "|") {
                let isPrefix = option.hasSuffix("*")
                // The same normalisation as messages, so that a cue is written the way workers type: the words of a
                // message's first reading (`CueText`), without making each a `CueWord`.
                let words = CueText.firstReading(String(isPrefix ? option.dropLast() : option))
                guard !words.isEmpty else { continue }
                var run: [WordTest] = []
                for (index, word) in words.enumerated() {
                    if isPrefix && index == words.count - 1 {
                        guard word.unicodeScalars.count >= Self.prefixMinimumLength else { throw .shortPrefix(word) }
                        run.append(.prefix(word))
                    } else if word.unicodeScalars.count >= Self.fuzzyMinimumLength,
                        word.unicodeScalars.allSatisfy({  // a–z without a property lookup (words are folded)
                            (0x61...0x7A).contains($0.value) || ($0.value >= 0x80 && $0.value < 0x250 && $0.properties.isAlphabetic)
                        })
                    {
                        run.append(.fuzzy(word, Array(word.unicodeScalars)))
                    } else {
                        run.append(.exact(word))
                    }
                }
                alternatives.append(run)
            }
            guard !alternatives.isEmpty else { continue }
            elements.append(Element(alternatives: alternatives, gap: elements.isEmpty ? 0 : (wide ? Self.wideGap : Self.defaultGap)))
            wide = false
        }
        if wide { throw .dangling }
        guard !elements.isEmpty else { throw .empty }
        self.elements = elements
    }

    /// The first words of the cue's alternatives: what an index looks a message word up by.
    var heads: [WordTest] { elements[0].alternatives.compactMap(\.first) }

    /// The span of words matched when the cue starts at `start`, or nil.
    func match(_ words: [CueWord], at start: Int) -> Range<Int>? {
        guard let end = elements[0].end(words, at: start) else { return nil }
        return rest(words, element: 1, from: end).map { start..<$0 }
    }

    /// The end of the match when elements from `element` on follow, starting at or after `from`.
    private func rest(_ words: [CueWord], element: Int, from: Int) -> Int? {
        guard element < elements.count else { return from }
        let current = elements[element]
        let last = min(words.count - 1, from + current.gap)
        guard from <= last else { return nil }
        for position in from...last {
            if let end = current.end(words, at: position), let done = rest(words, element: element + 1, from: end) { return done }
        }
        return nil
    }

    /// The first span where the cue matches, anywhere in `words`.
    public func firstMatch(in words: [CueWord]) -> Range<Int>? {
        for start in words.indices {
            if let span = match(words, at: start) { return span }
        }
        return nil
    }
}
