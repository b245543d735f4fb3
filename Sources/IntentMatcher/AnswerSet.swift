public import Foundation

/// The languages the helpline speaks. The raw value is the code workers type (`lang es`).
public enum Language: String, Sendable, CaseIterable, Codable, Comparable {
    case en, fr, es, pt, ar

    /// Every intent must have these; the others are welcome where they exist.
    public static let required: [Language] = [.en, .fr, .es]

    public static func < (lhs: Language, rhs: Language) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What the helpline does besides answering, as the answer file says.
public enum Escalation: String, Sendable, Codable {
    /// The bot answers alone.
    case never
    /// The bot answers and offers a volunteer.
    case offer
    /// A volunteer takes over; the answer tells the worker so.
    case always
    /// A volunteer takes over at once, first in the queue; wins over every other intent.
    case urgent
}

/// One answer in one language: a short part for the chat and an optional longer part on "more".
public struct Answer: Sendable, Equatable {
    public var short: String
    public var more: String?

    public init(short: String, more: String? = nil) {
        self.short = short
        self.more = more
    }
}

/// What an answer may ask the worker next.
public enum FollowUp: String, Sendable, CaseIterable, Codable {
    case country, platform
}

/// One curated intent, as read from `intents/<id>.yaml`.
public struct Intent: Sendable, Equatable, Identifiable {
    public var id: String
    public var escalate: Escalation
    /// The day a person last checked the facts, as written (YYYY-MM-DD).
    public var reviewed: String
    public var sources: [String]
    public var related: [String]
    public var examples: [Language: [String]]
    public var answers: [Language: Answer]
    /// The file it came from, for messages to operators.
    public var file: String
    /// What the helpline asks after this answer, so that the worker's reply leads somewhere: their country
    /// (groups there, from the referral directory) or their platform (the answer's part about it).
    public var asks: [FollowUp]

    public init(
        id: String, escalate: Escalation, reviewed: String, sources: [String], related: [String],
        examples: [Language: [String]], answers: [Language: Answer], file: String, asks: [FollowUp] = []
    ) {
        self.asks = asks
        self.id = id
        self.escalate = escalate
        self.reviewed = reviewed
        self.sources = sources
        self.related = related
        self.examples = examples
        self.answers = answers
        self.file = file
    }

    /// The answer in `language`, or in English when this intent lacks that language
    /// (the caller then says so to the worker).
    public func answer(in language: Language) -> (answer: Answer, language: Language)? {
        if let answer = answers[language] { return (answer, language) }
        if let answer = answers[.en] { return (answer, .en) }
        return nil
    }
}

/// A validated set of intents: what the helpline serves. Built only by `AnswerSetLoader`, so a
/// value of this type has passed every check.
public struct AnswerSet: Sendable {
    public let intents: [String: Intent]
    /// Words that mean the same for workers (task, HIT, tâche…): each group maps to its first word.
    public let synonyms: [[String]]
    /// Where it was loaded from.
    public let directory: URL
    /// Messages this helpline does not answer (`intents/out-of-scope.yaml`, optional): where they score sets the
    /// answer threshold (see `Calibration`). Empty when the set has none.
    public let outOfScope: [Language: [String]]
    /// When a person last read them (`reviewed` in the file), nil without the file.
    public let outOfScopeReviewed: String?

    public init(intents: [String: Intent], synonyms: [[String]], directory: URL,
                outOfScope: [Language: [String]] = [:], outOfScopeReviewed: String? = nil) {
        self.intents = intents
        self.synonyms = synonyms
        self.directory = directory
        self.outOfScope = outOfScope
        self.outOfScopeReviewed = outOfScopeReviewed
    }

    public subscript(id: String) -> Intent? { intents[id] }
}

/// One problem in an answer file, with where it is, so the operator can go and fix it.
public struct AnswerFileProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// The set was refused; every problem found is listed, not only the first.
public struct AnswerSetError: Error, Sendable, CustomStringConvertible {
    public var problems: [AnswerFileProblem]

    public init(problems: [AnswerFileProblem]) {
        self.problems = problems
    }

    public var description: String {
        "the answer files have \(problems.count) problem(s):\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}

extension AnswerSet {
    /// What an operator should fix that does not stop the set from serving: an intent that a worker in one of
    /// the shipped languages would read in another language, or whose facts were last reviewed more than six
    /// months ago. One line each, naming the file and what to do.
    public func warnings(at now: Date) -> [String] {
        var negatives: [String] = []
        if let reviewed = outOfScopeReviewed, CheckDate.isStale(reviewed, at: now) {
            negatives.append("intents/\(OutOfScopeFile.name): reviewed \(reviewed), more than 6 months ago; read the "
                + "examples again (what workers ask changes) and update 'reviewed'")
        }
        return negatives + intents.values.sorted { $0.id < $1.id }.flatMap { intent -> [String] in
            var lines: [String] = []
            let unanswered = Language.allCases.filter { intent.answers[$0] == nil }
            if !unanswered.isEmpty {
                lines.append("\(intent.file): no answer in " + unanswered.map(\.rawValue).joined(separator: ", ")
                    + "; a worker writing in it reads another language")
            }
            let unexampled = Language.allCases.filter { (intent.examples[$0] ?? []).isEmpty }
            if !unexampled.isEmpty && !intent.examples.isEmpty {
                lines.append("\(intent.file): no examples in " + unexampled.map(\.rawValue).joined(separator: ", ")
                    + "; messages in it are matched only through other languages' words")
            }
            if CheckDate.isStale(intent.reviewed, at: now) {
                lines.append("\(intent.file): reviewed \(intent.reviewed), more than 6 months ago; check its facts "
                    + "against its sources and update 'reviewed'")
            }
            return lines
        }
    }
}
