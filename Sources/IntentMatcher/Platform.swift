public import Foundation

/// A platform workers name, with the ways they write it. One list, used to read a worker's answer to
/// "which platform?", to pick the part of an answer about that platform, and to check the referral directory.
public struct Platform: Sendable, Equatable {
    /// What answer files and the referral directory use (`mturk`).
    public var id: String
    /// How the helpline writes it to the worker.
    public var name: String
    /// Normalised words or word pairs (`mechanical turk`) that name it in a message.
    public var aliases: [String]

    public static let all: [Platform] = [
        Platform(id: "mturk", name: "MTurk", aliases: ["mturk", "mechanical turk", "amazon turk", "turk", "mtruk", "m turk"]),
        Platform(id: "prolific", name: "Prolific", aliases: ["prolific", "prolific ac", "prolifico"]),
        Platform(id: "clickworker", name: "Clickworker", aliases: ["clickworker", "click worker", "clickworkers"]),
        Platform(id: "uhrs", name: "UHRS", aliases: ["uhrs"]),
        Platform(id: "appen", name: "Appen", aliases: ["appen", "connect appen", "raterlabs"]),
        Platform(id: "remotasks", name: "Remotasks", aliases: ["remotasks", "remotask", "remo tasks"]),
        Platform(id: "outlier", name: "Outlier", aliases: ["outlier", "outlier ai"]),
        Platform(id: "scale", name: "Scale AI", aliases: ["scale ai", "scaleai"]),
        Platform(id: "toloka", name: "Toloka", aliases: ["toloka", "yandex toloka"]),
        Platform(id: "telus", name: "TELUS", aliases: ["telus", "telus international", "telus digital"]),
        Platform(id: "rainforest", name: "Rainforest", aliases: ["rainforest", "rainforest qa"]),
        Platform(id: "dataannotation", name: "DataAnnotation", aliases: ["dataannotation", "data annotation tech", "data annotation"]),
        Platform(id: "oneforma", name: "OneForma", aliases: ["oneforma", "one forma"]),
    ]

    /// The platform with this id.
    public static func named(_ id: String) -> Platform? { all.first { $0.id == id } }

    /// The one platform `text` names, or nil when it names none or several ("I left MTurk for Prolific"
    /// is not an answer to "which one?").
    public static func mentioned(in text: String) -> Platform? {
        let found = mentions(in: TextNormalizer.tokens(text).map(\.text))
        return found.count == 1 ? found[0] : nil
    }

    /// Every platform `text` names, in list order.
    public static func allMentioned(in text: String) -> [Platform] {
        mentions(in: TextNormalizer.tokens(text).map(\.text))
    }

    /// The platforms named in these normalised words, in list order.
    static func mentions(in words: [String]) -> [Platform] {
        let singles = Set(words)
        let pairs = Set(zip(words, words.dropFirst()).map { "\($0) \($1)" })
        return all.filter { platform in
            // (A byte search: `String.contains(" ")` went through Foundation's locale-aware search, every
            // alias of every platform on every message.)
            platform.aliases.contains { $0.utf8.contains(0x20) ? pairs.contains($0) : singles.contains($0) }
        }
    }
}

extension Answer {
    /// The paragraphs of `more` about `platform`: those that name it in their first words ("MTurk: a HIT is
    /// paid…", "Clickworker/UHRS (its help pages; may change): …"). An answer file gives a platform its own part
    /// simply by starting a paragraph with its name. (`more` is a folded block: a blank line in the file is one
    /// line break in the text.)
    public func paragraphs(about platform: Platform) -> [String] {
        guard let more else { return [] }
        return more.split(separator: "\n").compactMap { line in
            let paragraph = line.trimmingCharacters(in: .whitespaces)
            let opening = TextNormalizer.tokens(String(paragraph.prefix(40))).map(\.text)
            return Platform.mentions(in: opening).contains(platform) ? paragraph : nil
        }
    }
}
