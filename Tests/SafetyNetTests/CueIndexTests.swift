import Foundation
import IntentMatcher
@testable import SafetyNet
import Testing

/// `CueIndex` compares a word only with the prefix cues that share its first scalar. That is exact only if no
/// word of a message starts with a prefix cue while starting with another scalar (which `hasPrefix`, comparing
/// by canonical equivalence, would allow for text not in the normaliser's form). Checked here on every prefix
/// cue shipped and every word of the crisis corpus, the regression phrases and the cues themselves.
@Suite struct CueIndexTests {
    @Test func aWordStartingWithAPrefixCueStartsWithItsFirstScalar() throws {
        let net = try SafetyNet.load(intents: SafetyNetTests.intents)
        let cues = net.detector.cues
        let all = cues.alone + cues.idioms + cues.together.values.flatMap { $0 }
        let prefixes = all.flatMap { cue in
            cue.pattern.heads.compactMap { head -> String? in
                if case .prefix(let text) = head { return text } else { return nil }
            }
        }
        #expect(prefixes.count > 100, "the shipped cues have prefix cues to check")

        let corpus = try CrisisCorpus.load(directory: SafetyNetTests.intents.appendingPathComponent("safety/tests"))
        let phrases = try RegressionSuite.load(directory: SafetyNetTests.intents.appendingPathComponent("tests"))
        let texts = corpus.phrases.map(\.text) + phrases.map(\.text) + all.map(\.pattern.source)
        var words: Set<String> = []
        for text in texts {
            for reading in CueText(text).readings {
                for word in reading {
                    words.insert(word.text)
                    words.formUnion(word.readings)
                }
            }
        }
        #expect(words.count > 2_000)
        var compared = 0
        for word in words {
            for prefix in prefixes where word.hasPrefix(prefix) {
                compared += 1
                #expect(word.unicodeScalars.first == prefix.unicodeScalars.first, "\(word) / \(prefix)")
            }
        }
        #expect(compared > 100, "words of the corpus do start with prefix cues")
    }

    /// `CueIndex.matches` against the scan it replaced (every prefix and every typo-tolerant word of a fitting
    /// length compared with every word, in cue order): the same cues, the same spans, in the same order (with
    /// `first`, the order decides which cue is reported, and so the answer's language), for every cue list
    /// shipped and every reading of the crisis corpus and of one-letter typos of its crisis phrasings.
    @Test func theIndexFindsWhatTheScanFound() throws {
        let net = try SafetyNet.load(intents: SafetyNetTests.intents)
        let cues = net.detector.cues
        let lists = [cues.alone, cues.idioms] + CueKind.allCases.compactMap { cues.together[$0] }
        let corpus = try CrisisCorpus.load(directory: SafetyNetTests.intents.appendingPathComponent("safety/tests"))
        var texts = corpus.phrases.map(\.text)
        // Typos: in each crisis phrasing, one letter of its longest word dropped, doubled, or two swapped.
        for (number, phrase) in corpus.phrases.enumerated() where phrase.crisis {
            guard let word = phrase.text.split(separator: " ").max(by: { $0.count < $1.count }), word.count >= 6 else { continue }
            let letters = Array(word)
            var swapped = letters
            swapped.swapAt(2, 3)
            let variants = [String(letters.prefix(3) + letters.dropFirst(4)), String(letters.prefix(4) + letters.dropFirst(3)), String(swapped)]
            texts.append(phrase.text.replacingOccurrences(of: String(word), with: variants[number % 3]))
        }
        /// The scan, over one list's first words laid out once.
        struct Scan {
            var exact: [String: [Int]] = [:]
            var prefixes: [(String, Int)] = []
            var fuzzy: [([Unicode.Scalar], Int)] = []

            init(_ list: [Cue]) {
                for (number, cue) in list.enumerated() {
                    for head in cue.pattern.heads {
                        switch head {
                        case .exact(let text): exact[text, default: []].append(number)
                        case .prefix(let text): prefixes.append((text, number))
                        case .fuzzy(let text, let scalars):
                            exact[text, default: []].append(number)
                            fuzzy.append((scalars, number))
                        }
                    }
                }
            }

            func matches(_ list: [Cue], _ words: [CueWord], first: Bool) -> [(Cue, Range<Int>)] {
                var result: [(Cue, Range<Int>)] = []
                for position in words.indices where !words[position].masked {
                    let word = words[position]
                    var candidates = exact[word.text] ?? []
                    for reading in word.readings { candidates += exact[reading] ?? [] }
                    for (prefix, number) in prefixes where word.text.hasPrefix(prefix) || word.readings.contains(where: { $0.hasPrefix(prefix) }) {
                        candidates.append(number)
                    }
                    if word.isLatin {
                        for length in (word.scalars.count - 1)...(word.scalars.count + 1) {
                            for (scalars, number) in fuzzy where scalars.count == length && CuePattern.WordTest.withinOneEdit(scalars, word.scalars) {
                                candidates.append(number)
                            }
                        }
                    }
                    var seen = Set<Int>()
                    for number in candidates where seen.insert(number).inserted {
                        if let span = list[number].pattern.match(words, at: position) {
                            result.append((list[number], span))
                            if first { return result }
                        }
                    }
                }
                return result
            }
        }
        let scans = lists.map(Scan.init)
        let indexes = lists.map(CueIndex.init)
        var compared = 0
        for text in texts {
            for reading in CueText(text).readings {
                for (number, list) in lists.enumerated() {
                    for first in [true, false] {
                        let expected = scans[number].matches(list, reading, first: first).map { "\($0.0.pattern.source) \($0.1)" }
                        let found = indexes[number].matches(in: reading, first: first).map { "\($0.0.pattern.source) \($0.1)" }
                        #expect(found == expected, "\(text)")
                        compared += expected.count
                    }
                }
            }
        }
        #expect(compared > 500, "the corpus does fire cues")
    }

    /// The deletion neighbourhood finds every word one edit away: for random cue-like words, every word one
    /// substitution, insertion, deletion or swap of neighbours away shares a form with it, and so is compared.
    @Test func everyWordOneEditAwaySharesAForm() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("abcdeilmnorstu".unicodeScalars)
        func forms(_ word: [Unicode.Scalar]) -> Set<UInt64> {
            Set((-1..<word.count).map { CueIndex.form(word, skipping: $0) })
        }
        var checked = 0
        for _ in 0..<300 {
            let length = 6 + Int(random.next() % 6)
            let cue = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            var variants: [[Unicode.Scalar]] = []
            for index in cue.indices {
                var dropped = cue
                dropped.remove(at: index)
                variants.append(dropped)
                for letter in alphabet {
                    var replaced = cue
                    replaced[index] = letter
                    variants.append(replaced)
                    var added = cue
                    added.insert(letter, at: index)
                    variants.append(added)
                }
                if index + 1 < cue.count {
                    var swapped = cue
                    swapped.swapAt(index, index + 1)
                    variants.append(swapped)
                }
            }
            for letter in alphabet { variants.append(cue + [letter]) }
            let cueForms = forms(cue)
            for variant in variants {
                #expect(CuePattern.WordTest.withinOneEdit(cue, variant))
                #expect(!cueForms.isDisjoint(with: forms(variant)), "\(String(String.UnicodeScalarView(variant)))")
                checked += 1
            }
        }
        #expect(checked > 50_000)
    }

    @Test(arguments: [
        ("suicide", "suicde", true), ("suicide", "suicidee", true), ("suicide", "usicide", true),
        ("suicide", "sucidie", false), ("suicide", "suicide", true), ("suicide", "suicid", true),
        ("suicide", "uicide", true), ("suicide", "xuicide", true), ("suicide", "suicidx", true),
        ("suicide", "suicideee", false), ("ab", "ba", true), ("abc", "cba", false),
    ])
    func oneEditIsOneEdit(cue: String, word: String, expected: Bool) {
        let a = Array(cue.unicodeScalars), b = Array(word.unicodeScalars)
        #expect(CuePattern.WordTest.withinOneEdit(a, b) == expected)
        #expect(CuePattern.WordTest.withinOneEdit(b, a) == expected, "symmetric")
    }
}
