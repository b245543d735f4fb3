public import CaseTracker
import Synchronization

/// A volunteer the bot is sure of right now: who they are, the nick that reaches them, and what
/// vouches for them.
public struct VolunteerLogin: Sendable, Equatable {
    public var alias: String
    public var nick: String
    public var languages: [String]
    /// The services account that identifies them; nil for a token login, which is bound to the nick.
    public var account: String?

    public init(alias: String, nick: String, languages: [String], account: String? = nil) {
        self.alias = alias
        self.nick = nick
        self.languages = languages
        self.account = account
    }
}

/// Which volunteers are logged in, and at which nick. In memory only, and bound to what the bot can
/// see: a login ends as soon as the bot cannot be sure the same person still holds the nick (a quit,
/// a part, a kick, a nick change for a token login, a changed account, the bot's own link or
/// channel lost). The channel decides when; this table only keeps the rule "one person per nick".
public final class VolunteerPresence: Sendable {
    private let logins = Mutex<[String: VolunteerLogin]>([:])

    public init() {}

    public func nick(of alias: String) -> String? { logins.withLock { $0[alias]?.nick } }

    public func login(ofNick nick: String) -> VolunteerLogin? {
        logins.withLock { table in table.values.first { $0.nick.lowercased() == nick.lowercased() } }
    }

    public func alias(of nick: String) -> String? { login(ofNick: nick)?.alias }

    /// Binds a login; whoever was logged in on that nick before is not any more.
    public func bind(_ login: VolunteerLogin) {
        logins.withLock { table in
            table = table.filter { $0.value.nick.lowercased() != login.nick.lowercased() }
            table[login.alias] = login
        }
    }

    /// A token login, for tests and callers without an account.
    public func bind(alias: String, to nick: String, languages: [String] = []) {
        bind(VolunteerLogin(alias: alias, nick: nick, languages: languages))
    }

    /// The person on `nick` is gone (quit, part, kick): every login on it ends. Returns the aliases that ended.
    @discardableResult
    public func forget(nick: String) -> [String] {
        logins.withLock { table in
            let ended = table.values.filter { $0.nick.lowercased() == nick.lowercased() }.map(\.alias)
            for alias in ended { table[alias] = nil }
            return ended.sorted()
        }
    }

    @discardableResult
    public func forget(alias: String) -> Bool { logins.withLock { $0.removeValue(forKey: alias) != nil } }

    /// A nick change: a token login ends (a nick is all that bound it); an account login follows the
    /// account to its new nick. Returns the aliases that ended.
    @discardableResult
    public func renamed(from old: String, to new: String) -> [String] {
        logins.withLock { table in
            var ended: [String] = []
            for (alias, login) in table where login.nick.lowercased() == old.lowercased() {
                if login.account == nil {
                    table[alias] = nil
                    ended.append(alias)
                } else {
                    table[alias]?.nick = new
                }
            }
            return ended.sorted()
        }
    }

    /// The services account on `nick` is now `account` (nil: logged out). Logins vouched for by another
    /// account end. Returns the aliases that ended.
    @discardableResult
    public func accountChanged(nick: String, to account: String?) -> [String] {
        logins.withLock { table in
            var ended: [String] = []
            for (alias, login) in table where login.nick.lowercased() == nick.lowercased() {
                if let held = login.account, held.lowercased() != account?.lowercased() {
                    table[alias] = nil
                    ended.append(alias)
                }
            }
            return ended.sorted()
        }
    }

    public func forgetAll() { logins.withLock { $0.removeAll() } }

    public var all: [VolunteerLogin] { logins.withLock { $0.values.sorted { $0.alias < $1.alias } } }

    /// The nicks of every logged-in volunteer, for urgent reminders by private message.
    public var nicks: [String] { all.map(\.nick).sorted() }

    /// The nicks of logged-in volunteers who answer in `language`: named in a case's announcement.
    public func nicks(speaking language: String) -> [String] {
        all.filter { $0.languages.contains(language) }.map(\.nick).sorted()
    }

    /// Who a case's announcement names: those who speak its language; for an urgent case with none of
    /// them here, everyone logged in (someone must see it).
    public func highlights(for found: HelplineCase) -> [String] {
        let speakers = nicks(speaking: found.language)
        return speakers.isEmpty && found.urgent ? nicks : speakers
    }
}
