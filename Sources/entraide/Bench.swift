import ArgumentParser
import Foundation
import IntentMatcher

/// `entraide intents bench`: the matcher's speed, on the shipped answers or on a generated set.
/// Run it from a release build (scripts/bench); a debug build is an order of magnitude slower.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the matcher: index build time, matches per second on one thread, p50/p99 latency, peak memory.")

    @Argument(help: "The answer files' directory (default: intents_dir, or ./intents).")
    var directory: String?

    @Option(help: "Instead of the shipped answers, a generated set of N intents × M examples, as NxM (e.g. 150x100).")
    var synthetic: String?

    @Option(help: "How many matches to time.")
    var iterations: Int = 200_000

    @Flag(inversion: .prefixedNo,
          help: "The English word vectors, on as shipped: --no-word-vectors times the matcher without them, to see what they cost.")
    var wordVectors = true

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let (answers, texts) = try load()
        var configuration = MatcherConfiguration.default
        if !wordVectors {
            configuration.wordVectorWeight = 0
            configuration.similarityWeight = 0
        }
        let clock = ContinuousClock()
        let buildStart = clock.now
        let matcher = Matcher(answers: answers, configuration: configuration)
        let buildTime = clock.now - buildStart

        // Warm up, then time each match (the clock's cost is included: it makes p99 honest).
        var sink = 0
        for text in texts.prefix(1_000) { sink &+= matcher.match(text).alternatives.count }
        var latencies: [Duration] = []
        latencies.reserveCapacity(iterations)
        let start = clock.now
        for index in 0..<iterations {
            let text = texts[index % texts.count]
            let before = clock.now
            sink &+= matcher.match(text).alternatives.count
            latencies.append(clock.now - before)
        }
        let total = clock.now - start
        latencies.sort()
        let perSecond = Double(iterations) / total.seconds
        print("set: \(synthetic.map { "generated \($0)" } ?? "shipped answers") — \(answers.intents.count) intents, \(answers.intents.values.reduce(0) { $0 + $1.examples.values.reduce(0) { $0 + $1.count } }) examples")
        print("queries: \(texts.count) distinct texts, \(iterations) matches on one thread\(wordVectors ? "" : ", word vectors off")")
        print(String(format: "index build: %.1f ms", buildTime.seconds * 1000))
        print(matcher.calibration.description)  // the operating point the build chose: a faster build must not move it far
        print(String(format: "throughput: %.0f matches/s", perSecond))
        print(String(format: "latency: p50 %.1f µs, p99 %.1f µs, max %.1f µs",
                     latencies[latencies.count / 2].seconds * 1e6, latencies[latencies.count * 99 / 100].seconds * 1e6,
                     latencies[latencies.count - 1].seconds * 1e6))
        print("peak memory (max RSS): \(Self.peakResidentMegabytes()) MB")
        // A start on unchanged answer files reads the kept model back (`MatcherCache`): the bytes decoded and the
        // index built, without the file's read (a few MB from the page cache). Timed last, not to count in the peak.
        let kept = matcher.trainedState.encoded()
        let keptStart = clock.now
        let readBack = Matcher(answers: answers, configuration: configuration, trained: try TrainedState(decoding: kept))
        let keptTime = clock.now - keptStart
        print(String(format: "load with the model kept: %.1f ms (%.1f MB read back)", keptTime.seconds * 1000,
                     Double(kept.count) / 1_048_576))
        if sink == 42 || readBack.calibration != matcher.calibration { print("") }  // keeps the work from being optimised away
    }

    /// The shipped answers with their regression phrases as queries, or a generated set.
    private func load() throws -> (AnswerSet, [String]) {
        if let synthetic {
            let parts = synthetic.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { throw ValidationError("--synthetic takes NxM, e.g. 150x100") }
            return Self.generated(intents: parts[0], examples: parts[1])
        }
        let (answers, url) = try Intents.loadAnswers(directory, common)
        let phrases = (try? RegressionSuite.load(directory: url.appendingPathComponent("tests"))) ?? []
        let texts = phrases.isEmpty ? answers.intents.values.flatMap { $0.examples.values.flatMap { $0 } } : phrases.map(\.text)
        return (answers, texts)
    }

    /// A deterministic synthetic set: each intent has its own vocabulary plus shared words, so
    /// matches have to discriminate, as with real answers.
    static func generated(intents: Int, examples: Int) -> (AnswerSet, [String]) {
        var random = SplitMix64(seed: 2026)
        let shared = (0..<300).map { "common\($0)" }
        var table: [String: Intent] = [:]
        var queries: [String] = []
        for i in 0..<intents {
            let own = (0..<40).map { "topic\(i)word\($0)" }
            var phrases: [String] = []
            for _ in 0..<examples {
                let length = 4 + Int(random.next() % 8)
                phrases.append((0..<length).map { _ in
                    random.next() % 3 == 0 ? shared[Int(random.next() % 300)] : own[Int(random.next() % 40)]
                }.joined(separator: " "))
            }
            queries.append(contentsOf: phrases.prefix(5).map { $0 + " extra" })
            let id = "intent-\(i)"
            table[id] = Intent(
                id: id, escalate: .never, reviewed: "2026-11-29", sources: [], related: [],
                examples: [.en: phrases], answers: [.en: Answer(short: "Answer \(i).")], file: "\(id).yaml")
        }
        return (AnswerSet(intents: table, synonyms: [], directory: URL(fileURLWithPath: "/")), queries)
    }

    static func peakResidentMegabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}

/// A small seeded generator, so that a benchmark's data is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}
