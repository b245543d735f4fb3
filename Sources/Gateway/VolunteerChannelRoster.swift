/// Who is in the volunteers' channel now, as the bot saw it (NAMES, JOIN, PART, KICK, QUIT, NICK,
/// ACCOUNT). A login needs its nick here: only for nicks it shares a channel with does the server
/// tell the bot that the person left or changed, so only those logins can be ended on time.
struct VolunteerChannelRoster: Sendable, Equatable {
    /// Lowercased nick → services account when known (extended-join, account-notify, account-tag).
    private var members: [String: String?] = [:]
    private(set) var joined = false

    mutating func botJoined() {
        joined = true
        members = [:]
    }

    mutating func botLeft() {
        joined = false
        members = [:]
    }

    /// The end of NAMES: the whole list. Accounts already known for nicks still there are kept.
    mutating func replace(with nicks: [String]) {
        let known = members
        members = [:]
        for nick in nicks { members[nick.lowercased()] = known[nick.lowercased()] ?? .some(nil) }
    }

    mutating func add(_ nick: String, account: String?) { members[nick.lowercased()] = .some(account) }

    mutating func remove(_ nick: String) { members[nick.lowercased()] = nil }

    mutating func rename(_ old: String, to new: String) {
        guard let account = members.removeValue(forKey: old.lowercased()) else { return }
        members[new.lowercased()] = account
    }

    mutating func setAccount(_ account: String?, of nick: String) {
        guard members[nick.lowercased()] != nil else { return }
        members[nick.lowercased()] = .some(account)
    }

    func contains(_ nick: String) -> Bool { members[nick.lowercased()] != nil }

    func account(of nick: String) -> String? { members[nick.lowercased()] ?? nil }

    var nicks: Set<String> { Set(members.keys) }
}
