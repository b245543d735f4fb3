import CStemmer
import Synchronization

/// Stems through Snowball (Debian's libstemmer): the standard algorithms for English, French, Spanish and
/// Portuguese (Arabic keeps `ArabicStemmer`, see there why),
/// written and tested by linguists, rather than a suffix stripper of our own (which cut `apply` to `app` and
/// `family` to `fami`). Words arrive normalised (lowercase, no accents); Snowball still brings their forms
/// together (`rejected`/`rejection`, `pagaron`/`pagar`), and the character n-grams compare words as written.
///
/// A Snowball stemmer keeps its work buffer inside, so it must not be used by two threads at once: one per
/// language behind a lock. Stemming happens while an answer set is indexed and for the few words of a message
/// the index has not seen, so the lock is rarely contended.
enum Stemmer {
    static func stem(_ word: String, language: Language) -> String {
        guard !word.isEmpty else { return word }
        if language == .ar { return ArabicStemmer.stem(word) }
        return stemmers[language.index].handle.withLock { handle in
            guard let handle = handle.pointer else { return word }
            var bytes = Array(word.utf8)
            let count = Int32(clamping: bytes.count)
            return bytes.withUnsafeMutableBufferPointer { buffer in
                guard let stemmed = sb_stemmer_stem(handle, buffer.baseAddress, count) else { return word }
                let length = Int(sb_stemmer_length(handle))
                return String(decoding: UnsafeBufferPointer(start: stemmed, count: length), as: UTF8.self)
            }
        }
    }

    /// The Snowball algorithm of each language, in `Language.allCases` order.
    static func algorithm(_ language: Language) -> String {
        switch language {
        case .en: "english"
        case .fr: "french"
        case .es: "spanish"
        case .pt: "portuguese"
        case .ar: "arabic"
        }
    }

    /// Created once, never freed: they live as long as the process.
    private static let stemmers: [Snowball] = Language.allCases.map { Snowball(algorithm($0)) }

    /// A class so that the lock (not copyable) can sit in an array.
    private final class Snowball: Sendable {
        let handle: Mutex<Handle>
        init(_ algorithm: String) { handle = Mutex(Handle(pointer: sb_stemmer_new(algorithm, "UTF_8"))) }
    }

    /// `sb_stemmer_new` returns nil only for an unknown algorithm or encoding, which the names above are not;
    /// should a library build lack one, words of that language are left as they are.
    private struct Handle: @unchecked Sendable {
        var pointer: OpaquePointer?
    }
}
