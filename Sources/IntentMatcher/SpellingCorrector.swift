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
    /// A known word minus one letter → the known word (the first in byte order when several give the same).
    private let deletions: [String: String]
    /// Longer words are left alone: rare, and each costs one lookup per letter.
    static let maximumLength = 24

    init(words: Set<String>) {
        known = words
        var deletions: [String: String] = [:]
        // Only words of 6 letters or more: a message word is looked up here from 5 letters, one less. Sorted by
        // bytes, which is as deterministic as the default order and much cheaper for non-ASCII words.
        let sorted = words.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for word in sorted where word.unicodeScalars.count >= 6 && !Stopwords.all.contains(word) {
            for variant in Self.deletions(of: word) where deletions[variant] == nil && !words.contains(variant) {
                deletions[variant] = word
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
        if length >= 5, let target = deletions[word] { return target }
        return nil
    }

    private static func deletions(of word: String) -> [String] {
        let scalars = Array(word.unicodeScalars)
        return scalars.indices.map { removing($0, from: scalars) }
    }

    private static func removing(_ index: Int, from scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[..<index])
        view.append(contentsOf: scalars[(index + 1)...])
        return String(view)
    }
}
