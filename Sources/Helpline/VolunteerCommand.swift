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
    /// Offers the case to another volunteer, who accepts it; `force` hands it over at once (and to
    /// someone offline, or without the case's language).
    case transfer(Int64, to: String, force: Bool)
    case accept(Int64)
    case decline(Int64)
    /// Sends the curated answer of an intent, in the worker's language, signed by the volunteer.
    case answer(Int64, intent: String)
    case close(Int64, outcome: String?)
    case block(Int64)
    case stats
    case help

    /// The verbs, for help texts.
    public static let usage = """
        list [lang] · show N · claim N · reply N text (or r text) · answer N topic · note N text · release N · \
        transfer N alias [force] · accept N · decline N · close N [outcome] · block N · stats · help
        """

    /// What a volunteer reads when a line is no command: the verb they typed and where to look.
    public static func unknown(_ line: String) -> String {
        let verb = line.trimmingCharacters(in: [" ", "\t"]).split(separator: " ").first.map { String($0.prefix(30)) } ?? ""
        return "Unknown command \"\(verb)\", try help. To write to the worker of case 12: reply 12 your text"
    }

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
        case "accept": return needNumber { .accept($0) }
        case "decline": return needNumber { .decline($0) }
        case "block": return needNumber { .block($0) }
        case "stats": return .success(.stats)
        case "help": return .success(.help)
        case "close":
            return needNumber { .close($0, outcome: rest) }
        case "note":
            guard let number, let rest else { return .failure(VolunteerCommandError("usage: note N text")) }
            return .success(.note(number, rest))
        case "transfer":
            let parts = rest?.split(separator: " ").map(String.init) ?? []
            guard let number, let receiver = parts.first, parts.count <= 2, parts.count == 1 || parts[1].lowercased() == "force" else {
                return .failure(VolunteerCommandError("usage: transfer N alias [force]"))
            }
            return .success(.transfer(number, to: receiver, force: parts.count == 2))
        case "answer":
            guard let number, let rest, !rest.contains(" ") else {
                return .failure(VolunteerCommandError("usage: answer N topic (a topic from show N or help topics, e.g. pay-missing)"))
            }
            return .success(.answer(number, intent: rest.lowercased()))
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
