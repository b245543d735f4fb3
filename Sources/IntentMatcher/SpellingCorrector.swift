/// Finds the known word a worker most likely meant when a message word is unknown: a letter typed twice
/// (`humann`, `graciass`, `hii`) or a letter missing (`reciev` → `receive`). Known words are those of the
/// examples and the synonym groups, so a correction can only lead to a word that matters for matching.
/// Other edits (an extra letter anywhere, a wrong letter) are not tried: on the regression phrases they turned
/// more unrelated words into helpline words (`player` → `payer`, `soldes` → `solde`) than they fixed typos.
///
/// A missing letter is found through an index of every known word minus each letter, so an edit costs a few
/// hash lookups instead of a scan of the vocabulary.
struct SpellingCorrector: Sendable {
    private let known: Set<String>
    /// The hash of a known word minus one letter → the known word (the first in byte order when several give the
    /// same). Hashes rather than strings: building the index is then arithmetic, not one allocation per letter
    /// of every word (a fifth of a load's index time before); a hit is checked against the word itself.
    private let deletions: [UInt64: String]
    /// Longer words are left alone: rare, and each costs one lookup per letter.
    static let maximumLength = 24

    init(words: Set<String>) {
        known = words
        let knownHashes = Set(words.lazy.map { Self.hash(Array($0.unicodeScalars), skipping: -1) })
        var deletions: [UInt64: String] = [:]
        deletions.reserveCapacity(words.count * 4)
        // Only words of 6 letters or more: a message word is looked up here from 5 letters, one less. Sorted by
        // bytes, which is as deterministic as the default order and much cheaper for non-ASCII words.
        let sorted = words.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for word in sorted where !Stopwords.all.contains(word) {
            let scalars = Array(word.unicodeScalars)
            guard scalars.count >= 6, scalars.count <= Self.maximumLength + 1 else { continue }
            for index in scalars.indices {
                let variant = Self.hash(scalars, skipping: index)
                if deletions[variant] == nil && !knownHashes.contains(variant) { deletions[variant] = word }
            }
        }
        self.deletions = deletions
    }

    /// The known word `word` stands for, or nil when it is known already or nothing is one edit away.
    func correction(of word: String) -> String? {
        let length = word.unicodeScalars.count
        guard length >= 3, length <= Self.maximumLength, !known.contains(word) else { return nil }
        let scalars = Array(word.unicodeScalars)
        // One letter too many: a doubled letter first (`hii` → `hi`), then any letter for longer words.
        for index in 1..<scalars.count where scalars[index] == scalars[index - 1] {
            let candidate = Self.removing(index, from: scalars)
            if known.contains(candidate) { return candidate }
        }
        if length >= 5, let target = deletions[Self.hash(scalars, skipping: -1)],
           Self.isDeletion(scalars, of: Array(target.unicodeScalars)) {
            return target
        }
        return nil
    }

    /// FNV-1a over the scalars, leaving out the one at `skipping` (-1: none).
    private static func hash(_ scalars: [Unicode.Scalar], skipping: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (index, scalar) in scalars.enumerated() where index != skipping {
            hash ^= UInt64(scalar.value)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Whether `shorter` is `longer` with one scalar left out (a hash hit is checked, never trusted).
    private static func isDeletion(_ shorter: [Unicode.Scalar], of longer: [Unicode.Scalar]) -> Bool {
        guard longer.count == shorter.count + 1 else { return false }
        var skipped = false
        var j = 0
        for scalar in longer {
            if j < shorter.count && shorter[j] == scalar {
                j += 1
            } else if skipped {
                return false
            } else {
                skipped = true
            }
        }
        return j == shorter.count
    }

    private static func removing(_ index: Int, from scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[..<index])
        view.append(contentsOf: scalars[(index + 1)...])
        return String(view)
    }
}
