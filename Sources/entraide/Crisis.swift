import ArgumentParser
import Foundation
import IntentMatcher
import SafetyNet

/// `entraide crisis …`: the operator's tools for the crisis safety net (cues and crisis lines).
struct Crisis: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Test and explain the crisis safety net; look up the crisis line of a country.",
        subcommands: [Test.self, Explain.self, Lines.self, Bench.self]
    )

    /// The safety net of `directory` (or the configured answers' folder), or every problem and exit 1.
    static func loadSafetyNet(_ directory: String?, _ common: CommonOptions) throws -> (SafetyNet, URL) {
        let configuration = try common.resolve(environment: ProcessInfo.processInfo.environment)
        let url = URL(fileURLWithPath: directory ?? configuration.intentsDirectory)
        do {
            return (try SafetyNet.load(intents: url), url)
        } catch {
            for problem in error.problems { print(problem) }
            print("\(error.problems.count) problem(s): the helpline will refuse this set and keep serving the last good one.")
            throw ExitCode(1)
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the crisis phrasings and the controls; print recall and false alarms per language.",
            discussion: "Exits 1 when a crisis phrasing raises no alarm, or when false alarms exceed --max-false-alarms.")

        @Argument(help: "The answer files' directory (default: intents_dir, or ./intents).")
        var directory: String?

        @Option(help: "The corpus to run (default: <directory>/safety/tests).")
        var phrases: String?

        @Option(help: "Exit 1 when the share of controls that raise an alarm is above this.")
        var maxFalseAlarms: Double = 0.10

        @Flag(help: "List every missed phrasing and every false alarm, with the cues that fired.")
        var verbose = false

        @Flag(help: ArgumentHelp(
            "The cues alone, without the learned net, on a corpus given with --phrases.",
            discussion: "The learned net is trained on the corpus in safety/tests: that corpus is always run on the "
                + "cues alone; another one (--phrases) on the cues and the learned net, as the helpline reads messages."))
        var cuesOnly = false

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let (net, url) = try Crisis.loadSafetyNet(directory, common)
            let folder = phrases.map { URL(fileURLWithPath: $0) }
                ?? url.appendingPathComponent(SafetyNet.folder).appendingPathComponent("tests")
            let corpus: CrisisCorpus
            do {
                corpus = try CrisisCorpus.load(directory: folder)
            } catch {
                for problem in error.problems { print(problem) }
                throw ExitCode(1)
            }
            // The learned net learns from the default corpus: there, only the cues' own figures say something.
            let learned = cuesOnly || phrases == nil ? nil : net.learned
            let report = learned == nil
                ? CrisisReport(detector: net.detector, corpus: corpus) : CrisisReport(net: net, corpus: corpus)
            print(learned.map { "cues, then the learned net (alarm at \($0.threshold), from \(LearnedRisk.minimumWords) words)" }
                ?? "cues alone")
            print("language  crisis  caught  recall   controls  alarms  false alarms")
            for row in report.rows + [report.total] {
                let name = row == report.total ? "all" : row.language.rawValue
                print(
                    name.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + "\(row.crisis)".padding(toLength: 8, withPad: " ", startingAt: 0)
                        + "\(row.caught)".padding(toLength: 8, withPad: " ", startingAt: 0)
                        + Self.percent(row.recall).padding(toLength: 9, withPad: " ", startingAt: 0)
                        + "\(row.controls)".padding(toLength: 10, withPad: " ", startingAt: 0)
                        + "\(row.alarms)".padding(toLength: 8, withPad: " ", startingAt: 0)
                        + Self.percent(row.falseAlarmRate))
            }
            if verbose || !report.missed.isEmpty {
                for phrase in report.missed { print("MISSED   \(phrase.file):\(phrase.line) \(phrase.text)") }
            }
            if verbose {
                for (phrase, cues) in report.falseAlarms {
                    print("ALARM    \(phrase.file):\(phrase.line) \(phrase.text)  ← \(cues.joined(separator: " + "))")
                }
            }
            let total = report.total
            if !report.missed.isEmpty {
                print("\(report.missed.count) crisis phrasing(s) raised no alarm: add cues (docs/operators.md, 'Crisis cues')")
                throw ExitCode(1)
            }
            if total.falseAlarmRate > maxFalseAlarms {
                print("false alarms \(Self.percent(total.falseAlarmRate)) above \(Self.percent(maxFalseAlarms)) (--verbose lists them)")
                throw ExitCode(1)
            }
        }

        static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say whether a text raises the crisis alarm, and which cues (file and line) fired.")

        @Argument(help: "The text.")
        var text: [String]

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let (net, _) = try Crisis.loadSafetyNet(nil, common)
            let text = text.joined(separator: " ")
            if let alarm = net.assess(text) {
                print("ALARM [\(alarm.language.rawValue)] \(alarm.cues.joined(separator: " + "))")
            } else {
                print("no alarm")
            }
        }
    }

    struct Lines: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the crisis directory, or the lines of the country a text names (`entraide crisis lines kenya`).")

        @Argument(help: "A country as a worker would name it (optional).")
        var country: [String] = []

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let (net, _) = try Crisis.loadSafetyNet(nil, common)
            let countries: [CrisisCountry]
            if country.isEmpty {
                countries = net.directory.countries
            } else if let found = net.directory.country(namedIn: country.joined(separator: " ")) {
                countries = [found]
            } else {
                print("no country recognised in '\(country.joined(separator: " "))'")
                throw ExitCode(1)
            }
            for country in countries {
                print("\(country.code) \(country.displayName)" + (country.emergency.map { "  emergency \($0)" } ?? ""))
                for line in country.lines {
                    let ways = [line.phone.map { "call \($0)" }, line.sms.map { "text \($0)" }, line.whatsapp.map { "WhatsApp \($0)" },
                        line.chat.map { "chat \($0)" }].compactMap { $0 }.joined(separator: ", ")
                    print("   \(line.service): \(ways) · \(line.hours ?? "hours unknown") · verified \(line.verified)"
                        + (line.uncertain ? " · UNCERTAIN" : "") + " · \(line.source)")
                }
            }
        }
    }

    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure the crisis detector: load time, checks per second on one thread, p50/p99 latency (use a release build).")

        @Option(help: "How many checks to time.")
        var iterations: Int = 200_000

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let clock = ContinuousClock()
            let loadStart = clock.now
            let (net, url) = try Crisis.loadSafetyNet(nil, common)
            let loadTime = clock.now - loadStart
            // What the detector sees in practice: mostly ordinary questions, some crises.
            let corpus = (try? CrisisCorpus.load(directory: url.appendingPathComponent("safety/tests")))?.phrases.map(\.text) ?? []
            let ordinary = ((try? RegressionSuite.load(directory: url.appendingPathComponent("tests"))) ?? []).map(\.text)
            let texts = corpus + ordinary
            guard !texts.isEmpty else { throw ValidationError("no phrases to time in \(url.path)/safety/tests or tests") }
            var sink = 0
            for text in texts { sink &+= net.assess(text)?.cues.count ?? 0 }
            var latencies: [Duration] = []
            latencies.reserveCapacity(iterations)
            let start = clock.now
            for index in 0..<iterations {
                let before = clock.now
                sink &+= net.assess(texts[index % texts.count])?.cues.count ?? 0
                latencies.append(clock.now - before)
            }
            let total = clock.now - start
            latencies.sort()
            func micro(_ duration: Duration) -> Double {
                Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
            }
            print("cues: \(net.detector.cues.count); texts: \(texts.count) (\(corpus.count) crisis corpus, \(ordinary.count) ordinary questions)")
            print(String(format: "load (cues, directory, learned net): %.1f ms", micro(loadTime) / 1000))
            print(String(format: "throughput: %.0f checks/s on one thread", Double(iterations) / (micro(total) / 1e6)))
            print(String(format: "latency: p50 %.1f µs, p99 %.1f µs, max %.1f µs",
                micro(latencies[latencies.count / 2]), micro(latencies[latencies.count * 99 / 100]), micro(latencies[latencies.count - 1])))
            if sink == -1 { print("") }
        }
    }
}
