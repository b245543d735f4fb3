import Foundation
import Synchronization

/// Faults the relay injects on the bot's routes, for tests only (`--faults SPEC` or
/// `ENTRAIDE_RELAY_FAULTS`): never set it in production.
///
/// SPEC is a comma-separated list of `KIND[@ROUTE]=RATE[:NAME=VALUE]…`:
/// - KIND: `drop` (commit, then cut the connection before the answer), `500` (answer 500 before
///   doing anything), `429` (answer 429 with `Retry-After`, param `retry_after` seconds, default 1),
///   `hold` (commit, then wait `seconds`, default 5, before answering), `oversize` (commit, then
///   answer 200 with `bytes` bytes, default 2 MiB: more than the bot's cap), `403` (refuse a reply, on
///   `messages` only, whose recipient starts with the `to` parameter: a worker who blocked the bot, as Telegram
///   answers; `403@messages=100%:to=+99`).
/// - ROUTE: `updates` or `messages`; without it, both.
/// - RATE: `5%` (a probability) or `1/7` (every 7th request of that route).
///
/// Example: `drop=3%,500@messages=1/20,429=1/500:retry_after=1,hold=1%:seconds=3,oversize@updates=1/50`.
public final class FaultPlan: Sendable {
    public enum Kind: String, Sendable {
        case drop, serverError = "500", tooManyRequests = "429", hold, oversize, refused = "403"
    }

    public enum Route: String, Sendable, CaseIterable {
        case updates, messages
    }

    public struct Rule: Sendable {
        public var kind: Kind
        public var route: Route?
        public var probability: Double?
        public var everyNth: Int?
        public var parameters: [String: Double]
        /// `403` only: the recipients it refuses, by the start of their address.
        public var recipientPrefix: String? = nil
    }

    /// A fault chosen for one request, with its parameter.
    public enum Fault: Sendable, Equatable {
        case drop
        case serverError
        case tooManyRequests(retryAfterSeconds: Int)
        case hold(Duration)
        case oversize(bytes: Int)
    }

    public let rules: [Rule]
    private let counters = Mutex<[Route: Int]>([:])

    public init(rules: [Rule] = []) {
        self.rules = rules
    }

    public var isEmpty: Bool { rules.isEmpty }

    public convenience init(spec: String) throws(RelayError) {
        var rules: [Rule] = []
        for item in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let sides = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard sides.count == 2 else { throw Self.problem(item, "expected KIND[@ROUTE]=RATE") }
            let head = sides[0].split(separator: "@").map(String.init)
            guard let kind = Kind(rawValue: head[0]) else {
                throw Self.problem(item, "unknown fault '\(head[0])' (drop, 500, 429, hold, oversize, 403)")
            }
            var route: Route?
            if head.count == 2 {
                guard let parsed = Route(rawValue: head[1]) else { throw Self.problem(item, "route must be updates or messages") }
                route = parsed
            }
            let parts = sides[1].split(separator: ":").map(String.init)
            var rule = Rule(kind: kind, route: route, probability: nil, everyNth: nil, parameters: [:])
            let rate = parts[0]
            if rate.hasSuffix("%"), let percent = Double(rate.dropLast()), (0...100).contains(percent) {
                rule.probability = percent / 100
            } else if rate.hasPrefix("1/"), let n = Int(rate.dropFirst(2)), n >= 1 {
                rule.everyNth = n
            } else {
                throw Self.problem(item, "rate must be a percentage (5%) or every Nth (1/7)")
            }
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=").map(String.init)
                if kind == .refused, pair.count == 2, pair[0] == "to", !pair[1].isEmpty {
                    rule.recipientPrefix = pair[1]
                    continue
                }
                guard pair.count == 2, let value = Double(pair[1]), value >= 0 else {
                    throw Self.problem(item, "parameter '\(parameter)' must be NAME=NUMBER")
                }
                rule.parameters[pair[0]] = value
            }
            if kind == .refused {
                guard rule.route != .updates else { throw Self.problem(item, "403 applies to replies: use 403@messages") }
                guard rule.recipientPrefix != nil else {
                    throw Self.problem(item, "403 needs the recipients it refuses: to=PREFIX (403@messages=100%:to=+99)")
                }
                rule.route = .messages
            }
            rules.append(rule)
        }
        self.init(rules: rules)
    }

    private static func problem(_ item: String, _ reason: String) -> RelayError {
        RelayError("--faults: '\(item)': \(reason). See docs/http-channel.md, \"Fault injection\".")
    }

    /// The fault for this request of `route`, if any: the first rule that fires wins.
    public func draw(for route: Route) -> Fault? {
        guard !rules.isEmpty else { return nil }
        let count = counters.withLock { counters -> Int in
            counters[route, default: 0] += 1
            return counters[route, default: 0]
        }
        for rule in rules where (rule.route == nil || rule.route == route) && rule.kind != .refused {
            let fires: Bool
            if let n = rule.everyNth {
                fires = count % n == 0
            } else {
                fires = Double.random(in: 0..<1) < (rule.probability ?? 0)
            }
            guard fires else { continue }
            switch rule.kind {
            case .drop: return .drop
            case .serverError: return .serverError
            case .tooManyRequests: return .tooManyRequests(retryAfterSeconds: Int(rule.parameters["retry_after"] ?? 1))
            case .hold: return .hold(.milliseconds(Int64((rule.parameters["seconds"] ?? 5) * 1000)))
            case .oversize: return .oversize(bytes: Int(rule.parameters["bytes"] ?? Double(2 << 20)))
            case .refused: continue  // drawn per recipient: `refuses(recipient:)`
            }
        }
        return nil
    }

    /// Whether a reply to `recipient` is refused with 403 (a `403` rule whose prefix it has, when its rate fires).
    public func refuses(recipient: String) -> Bool {
        rules.contains { rule in
            guard rule.kind == .refused, let prefix = rule.recipientPrefix, recipient.hasPrefix(prefix) else { return false }
            return Double.random(in: 0..<1) < (rule.probability ?? (1 / Double(rule.everyNth ?? 1)))
        }
    }
}
