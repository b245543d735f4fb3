public import Foundation
import Yams
public import IntentMatcher

/// A group a worker can turn to beyond the helpline: a union, a workers' organisation, data-rights or legal help.
/// Like a crisis line, it names where it was checked and when, because contacts change and a wrong one costs a
/// worker who is already losing time.
public struct Referral: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case union
        case workersOrganisation = "workers-organisation"
        case dataRights = "data-rights"
        case legalAid = "legal-aid"
        case research
    }

    public var name: String
    public var kind: Kind
    /// ISO codes of the countries it serves; empty means it works across countries (online).
    public var countries: [String]
    /// The platforms whose workers it is for (`mturk`, see `Platform.all`); empty: any platform.
    public var platforms: [String]
    /// The intents after which it is offered (`union-join`…); empty: after any that asks for the country.
    public var topics: [String]
    public var contact: String
    public var languages: [String]
    public var source: String
    public var verified: String
    /// The sources disagree or could not confirm the contact: said to the worker.
    public var uncertain: Bool
    /// For operators: what was not verified, what to check next time.
    public var note: String?
}

/// Every group the helpline may point to, read from `<intents>/referrals/organisations.yaml`.
public struct ReferralDirectory: Sendable {
    public private(set) var referrals: [Referral] = []

    public init(referrals: [Referral] = []) {
        self.referrals = referrals
    }

    /// The folder and file inside the answers' folder. Optional: without it, a worker who names their country
    /// after a question is offered a volunteer only.
    public static let folder = "referrals"
    public static let file = "organisations.yaml"

    /// The groups for a worker in `country` (nil: unknown) on `platform`, after `topic`: those of that country
    /// first, then those that work across countries. A group for other platforms is left out.
    public func referrals(country: String?, platform: String?, topic: String) -> [Referral] {
        let fitting = referrals.filter { referral in
            (referral.topics.isEmpty || referral.topics.contains(topic))
                && (referral.platforms.isEmpty || platform.map(referral.platforms.contains) == true)
        }
        let local = country.map { code in fitting.filter { $0.countries.contains(code) } } ?? []
        let online = fitting.filter { $0.countries.isEmpty }
        return local + online
    }

    /// What `intents check` and the log say of entries not checked for six months.
    public func staleWarnings(at now: Date) -> [String] {
        referrals.filter { CheckDate.isStale($0.verified, at: now) }.map {
            "\(Self.folder)/\(Self.file): \($0.name) was last verified \($0.verified), more than 6 months ago; "
                + "check it at \($0.source) and update 'verified'"
        }
    }

    /// Loads the file when the folder exists; refuses (file and line) an entry without a contact, a source or
    /// a verified date, a country that the crisis directory cannot recognise by name (a worker could never
    /// reach it), a platform Entraide does not know or a topic that is not an intent.
    public static func load(intents: URL, countries: CrisisDirectory, topics: Set<String>) throws(AnswerSetError)
        -> ReferralDirectory
    {
        let url = intents.appendingPathComponent(folder).appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else { return ReferralDirectory() }
        let name = YAMLFile.displayName(url)
        switch YAMLFile.compose(url) {
        case .failure(let error):
            throw error
        case .success(let root):
            var problems = ProblemList(file: name)
            let directory = parse(root, countries: Set(countries.countries.map(\.code)), topics: topics,
                                  problems: &problems)
            guard problems.problems.isEmpty else { throw AnswerSetError(problems: problems.problems) }
            return directory
        }
    }

    static let keys = ["name", "kind", "countries", "platforms", "topics", "contact", "languages", "source", "verified",
                       "uncertain", "note"]

    static func parse(_ root: Node, countries known: Set<String>, topics: Set<String>, problems: inout ProblemList)
        -> ReferralDirectory
    {
        guard let top = root.pairs,
            let list = problems.values(of: top, allowed: ["organisations"], in: "the referral directory")["organisations"]?.value,
            let items = list.items
        else {
            problems.add(root, "the referral directory is a mapping with one key, 'organisations', a list")
            return ReferralDirectory()
        }
        var directory = ReferralDirectory()
        for item in items {
            guard let pairs = item.pairs else {
                problems.add(item, "an organisation is a mapping (name, kind, countries, contact, source, verified)")
                continue
            }
            let values = problems.values(of: pairs, allowed: keys, in: "an organisation")
            func text(_ key: String) -> String? { values[key].flatMap { problems.text($0.value, named: key) } }
            func texts(_ key: String) -> [String] {
                values[key].map { problems.texts($0.value, named: key).map(\.text) } ?? []
            }
            guard let name = text("name") else {
                problems.add(item, "an organisation needs 'name', as workers will read it")
                continue
            }
            guard let kindText = text("kind"), let kind = Referral.Kind(rawValue: kindText) else {
                problems.add(values["kind"]?.value ?? item, "\(name): 'kind' is one of "
                    + Referral.Kind.allCases.map(\.rawValue).joined(separator: ", "))
                continue
            }
            let countries = texts("countries")
            for code in countries where !known.contains(code) {
                problems.add(values["countries"]?.value, "\(name): country \(code) is not in the crisis directory, so "
                    + "no worker could name it; add it to safety/crisis-lines.yaml (with its names) or remove it here")
            }
            let platforms = texts("platforms")
            for platform in platforms where Platform.named(platform) == nil {
                problems.add(values["platforms"]?.value, "\(name): unknown platform '\(platform)' (known: "
                    + Platform.all.map(\.id).joined(separator: ", ") + ")")
            }
            let topicList = texts("topics")
            for topic in topicList where !topics.contains(topic) {
                problems.add(values["topics"]?.value, "\(name): topic '\(topic)' is not an intent id")
            }
            guard let contact = text("contact") else {
                problems.add(item, "\(name): needs 'contact', a web address or e-mail a worker can use")
                continue
            }
            guard let source = text("source"), source.hasPrefix("http") else {
                problems.add(values["source"]?.value ?? item, "\(name): needs 'source', the page where the contact was checked")
                continue
            }
            guard let verified = text("verified"), CheckDate.day(verified) != nil else {
                problems.add(values["verified"]?.value ?? item,
                    "\(name): needs 'verified: YYYY-MM-DD', the day someone last checked it at its source")
                continue
            }
            var uncertain = false
            if let node = values["uncertain"]?.value {
                switch node.text {
                case "true", "yes": uncertain = true
                case "false", "no": uncertain = false
                default: problems.add(node, "'uncertain' is true or false")
                }
            }
            directory.referrals.append(Referral(
                name: name, kind: kind, countries: countries, platforms: platforms, topics: topicList, contact: contact,
                languages: texts("languages"), source: source, verified: verified, uncertain: uncertain, note: text("note")))
        }
        return directory
    }
}
