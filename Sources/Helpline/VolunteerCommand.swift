import Foundation

/// What a volunteer asks of the helpline: the same verbs in the volunteers' IRC channel (`!claim 12`),
/// by private message to the bot, and on the server (`entraide cases claim 12`).
public enum VolunteerCommand: Sendable, Equatable {
    case list(language: String?)
    case show(Int64)
    case claim(Int64)
    /// `reply N text`, or `r text` for the one case the volunteer holds (nil).
    case reply(Int64?, String)
    case note(Int64, String)
    case release(Int64)
    case transfer(Int64, to: String)
    case close(Int64, outcome: String?)
    case block(Int64)
    case stats
    case help

    /// The verbs, for help texts.
    public static let usage = """
        list [lang] · show N · claim N · reply N text (or r text) · note N text · release N · \
        transfer N alias · close N [outcome] · block N · stats
        """

    /// Parses `!verb …` (the `!` optional); nil when it is not a volunteer command at all.
    public static func parse(_ line: String) -> Result<VolunteerCommand, VolunteerCommandError>? {
        var text = Substring(line.trimmingCharacters(in: [" ", "\t"]))
        if text.hasPrefix("!") { text = text.dropFirst() }
        let words = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard let verb = words.first?.lowercased() else { return nil }
        let number = words.count > 1 ? Int64(words[1].drop { $0 == "#" }) : nil
        let rest = words.count > 2 ? String(words[2]) : nil
        func needNumber(_ make: (Int64) -> VolunteerCommand) -> Result<VolunteerCommand, VolunteerCommandError> {
            guard let number else { return .failure(VolunteerCommandError("usage: \(verb) N (a case number)")) }
            return .success(make(number))
        }
        switch verb {
        case "list", "ls": return .success(.list(language: words.count > 1 ? String(words[1]) : nil))
        case "show": return needNumber { .show($0) }
        case "claim", "take": return needNumber { .claim($0) }
        case "release": return needNumber { .release($0) }
        case "block": return needNumber { .block($0) }
        case "stats": return .success(.stats)
        case "help": return .success(.help)
        case "close":
            return needNumber { .close($0, outcome: rest) }
        case "note":
            guard let number, let rest else { return .failure(VolunteerCommandError("usage: note N text")) }
            return .success(.note(number, rest))
        case "transfer":
            guard let number, let rest else { return .failure(VolunteerCommandError("usage: transfer N alias")) }
            return .success(.transfer(number, to: rest))
        case "reply":
            guard let number, let rest else { return .failure(VolunteerCommandError("usage: reply N text")) }
            return .success(.reply(number, rest))
        case "r":
            let body = text.dropFirst(1).trimmingCharacters(in: [" "])
            guard !body.isEmpty else { return .failure(VolunteerCommandError("usage: r text (to the case you hold)")) }
            return .success(.reply(nil, body))
        default:
            return nil
        }
    }
}

public struct VolunteerCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
