public import IntentMatcher

/// Why a message raised the alarm: the cues that fired, and the language to answer in.
public struct RiskAssessment: Sendable, Equatable {
    /// The language of the first cue that fired: an Arabizi cue means an answer in Arabic.
    public var language: Language
    /// The cues, as written in their files (`kill* myself`), with the kind for cues that count together.
    public var cues: [String]
}

/// Decides whether a message may be a crisis, before and apart from intent matching, on every message
/// in every state. Pure and fast: one look-up per word for the cues' first words, then the cues that
/// start there. Recall comes first: a false alarm costs a volunteer a minute.
public struct RiskDetector: Sendable {
    public let cues: CrisisCues
    private let alone: CueIndex
    private let idioms: CueIndex
    private let together: [(CueKind, CueIndex)]

    public init(cues: CrisisCues) {
        self.cues = cues
        alone = CueIndex(cues.alone)
        idioms = CueIndex(cues.idioms)
        together = CueKind.allCases.compactMap { kind in cues.together[kind].map { (kind, CueIndex($0)) } }
    }

    /// Longer messages are read on their beginning and their end: a goodbye comes last as often as first.
    public static let readCharacters = 4_000

    public func assess(_ text: String) -> RiskAssessment? {
        let bounded = text.count > Self.readCharacters
            ? String(text.prefix(Self.readCharacters / 2)) + " \n " + String(text.suffix(Self.readCharacters / 2)) : text
        for var words in CueText(bounded).readings {
            // Idioms first: "dead tired" must not leave "dead" for a cue.
            for (_, span) in idioms.matches(in: words) {
                for index in span { words[index].masked = true }
            }
            if let (cue, _) = alone.matches(in: words, first: true).first {
                return RiskAssessment(language: cue.language, cues: [cue.pattern.source])
            }
            var found: [CueKind: Cue] = [:]
            for (kind, index) in together {
                if let (cue, _) = index.matches(in: words, first: true).first { found[kind] = cue }
            }
            if CueKind.alarming(Set(found.keys)) {
                let fired = found.sorted { $0.key < $1.key }
                return RiskAssessment(
                    language: fired[0].value.language, cues: fired.map { "\($0.key.rawValue): \($0.value.pattern.source)" })
            }
        }
        return nil
    }
}

/// Cues looked up by their first word: exact words in a table, prefixes and typo-tolerant words in short
/// lists checked only against words that start alike (prefixes) or have a fitting length (typos).
struct CueIndex: Sendable {
    private let cues: [Cue]
    private var exact: [String: [Int]] = [:]
    /// Prefix cues by their first scalar: a word is compared only with the prefixes that start as it does.
    /// (All of them, for every word, was most of a check: 140 µs at p50, `entraide crisis bench`.)
    private var prefixes: [Unicode.Scalar: [(String, Int)]] = [:]
    /// Typo-tolerant first words, found through their deletion neighbourhood (as SymSpell does): each is filed
    /// under a hash of itself and of every form with one letter left out, and a message's word is looked up the
    /// same way. Two words within one edit always share one of those forms (a letter replaced: both without it;
    /// one added or dropped: the longer without it is the shorter; two neighbours swapped: each without the one
    /// the other has first), so the look-ups find every cue word the full comparison could accept; the few
    /// they find are then compared (a hash collision only adds one comparison). Before, a word was compared
    /// with every cue word of a fitting length: a third of a check (`entraide crisis bench`).
    private var fuzzy: [([Unicode.Scalar], Int)] = []
    private var fuzzyForms: [UInt64: [Int32]] = [:]
    /// The shortest word one edit can make of a typo-tolerant cue word: shorter words are not looked up.
    private var fuzzyShortest = Int.max

    /// FNV-1a over the scalars of `word` without the one at `skipped` (none when out of range).
    static func form(_ word: [Unicode.Scalar], skipping skipped: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in word.indices where index != skipped {
            hash ^= UInt64(word[index].value)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    init(_ cues: [Cue]) {
        self.cues = cues
        for (number, cue) in cues.enumerated() {
            for head in cue.pattern.heads {
                switch head {
                case .exact(let word): exact[word, default: []].append(number)
                case .prefix(let word):
                    // A prefix has three scalars or more (`CuePattern.prefixMinimumLength`).
                    if let first = word.unicodeScalars.first { prefixes[first, default: []].append((word, number)) }
                case .fuzzy(let word, let scalars):
                    exact[word, default: []].append(number)
                    let entry = Int32(fuzzy.count)
                    fuzzy.append((scalars, number))
                    fuzzyShortest = min(fuzzyShortest, scalars.count - 1)
                    for skipped in -1..<scalars.count {
                        let key = Self.form(scalars, skipping: skipped)
                        if fuzzyForms[key]?.last != entry { fuzzyForms[key, default: []].append(entry) }
                    }
                }
            }
        }
    }

    /// The cues that match, with their spans; the first one only when `first`.
    func matches(in words: [CueWord], first: Bool = false) -> [(Cue, Range<Int>)] {
        var result: [(Cue, Range<Int>)] = []
        // One buffer for every word's candidates; a cue found twice for a word (by the word and by another
        // reading of it, `CueWord.readings`) is tried once. A linear look: a word has a handful of candidates, and
        // a set per word was a tenth of a check in hashing alone.
        var candidates: [Int] = []
        candidates.reserveCapacity(16)
        for position in words.indices where !words[position].masked {
            let word = words[position]
            candidates.removeAll(keepingCapacity: true)
            if let found = exact[word.text] { candidates += found }
            for reading in word.readings { if let more = exact[reading] { candidates += more } }
            // Cue and message are both in the normaliser's form (no marks, folded case), so a word that starts
            // with a prefix starts with its first scalar; `CueIndexTests` checks the index against every prefix.
            // The prefix and typo blocks are put back in the order a scan of every cue gave (cue order; typos
            // by length first): with `first`, it decides which cue is reported, and so the answer's language.
            let prefixStart = candidates.count
            if let first = word.scalars.first {
                for (prefix, number) in prefixes[first] ?? [] where word.text.hasPrefix(prefix) { candidates.append(number) }
            }
            for reading in word.readings {
                guard let first = reading.unicodeScalars.first else { continue }
                for (prefix, number) in prefixes[first] ?? [] where reading.hasPrefix(prefix) { candidates.append(number) }
            }
            candidates[prefixStart...].sort()
            if word.isLatin && word.scalars.count >= fuzzyShortest {
                var typos: [(length: Int, number: Int)] = []
                for skipped in -1..<word.scalars.count {
                    guard let entries = fuzzyForms[Self.form(word.scalars, skipping: skipped)] else { continue }
                    for entry in entries where CuePattern.WordTest.withinOneEdit(fuzzy[Int(entry)].0, word.scalars) {
                        typos.append((fuzzy[Int(entry)].0.count, fuzzy[Int(entry)].1))
                    }
                }
                typos.sort { ($0.length, $0.number) < ($1.length, $1.number) }
                candidates += typos.map(\.number)
            }
            for index in candidates.indices where !candidates[..<index].contains(candidates[index]) {
                let number = candidates[index]
                if let span = cues[number].pattern.match(words, at: position) {
                    result.append((cues[number], span))
                    if first { return result }
                }
            }
        }
        return result
    }
}
