import Foundation
import CaseTracker
import Gateway
import Helpline
import Hummingbird
import Logging
import Relay
import ServiceLifecycle

/// `GET /health` for `serve`: 200 and `{"status":"ok",…}` when the store takes writes and every
/// configured channel is up; 503 and what is wrong otherwise, in words an operator can act on.
/// Plain facts only: no counts of workers, no addresses, nothing a visitor could learn from.
struct HealthEndpoint: Service {
    let host: String
    let port: Int
    let helpline: Helpline
    let irc: IRCChannel?
    let http: HTTPPollChannel?
    let logger: Logger
    /// Polls failing in a row before the endpoint counts as unreachable: one failure is a
    /// network hiccup the backoff absorbs, three are an operator's business.
    static let failingPollsForDegraded = 3

    struct Report: Encodable {
        var status: String
        var store: String
        var irc: String?
        var http: String?
        /// Urgent cases nobody has claimed past `cases.urgent_unclaimed_limit_minutes`.
        var urgent: String?
        /// The last reload of the answer files was refused: the last good set is still served.
        var answers: String?
    }

    static func parse(_ listen: String) -> (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (1...65535).contains(port), colon != listen.startIndex
        else { return nil }
        return (String(listen[..<colon]), port)
    }

    func report() -> Report {
        var report = Report(status: "ok", store: "ok")
        if let problem = helpline.storeHealth.problem {
            report.status = "degraded"
            report.store = "\(problem.explanation) (since \(ISO8601DateFormatter().string(from: problem.since)))"
        }
        if let irc {
            let status = irc.status
            let problems = status.problems
            report.irc = problems.isEmpty
                ? "registered as \(status.nick ?? "?")" + (status.volunteersChannel.map { ", in \($0)" } ?? "")
                : problems.joined(separator: "; ")
            if !problems.isEmpty { report.status = "degraded" }
        }
        if let http {
            let failing = http.counters.snapshot.failingPollsInARow
            report.http = failing == 0 ? "polling" : "\(failing) failed poll(s) in a row: check http.base_url, the token and the log"
            if failing >= Self.failingPollsForDegraded { report.status = "degraded" }
        }
        if let refused = helpline.library.lastRefusal {
            report.status = "degraded"
            report.answers = "the last reload was refused (\(refused.problems) problem(s), first: \(refused.first)); "
                + "still serving the set loaded before \(ISO8601DateFormatter().string(from: refused.at)). Fix the files, check with entraide intents check, then reload"
        }
        let limit = helpline.policy.urgentUnclaimedLimit
        if let waiting = try? helpline.store.urgentUnclaimed(longerThan: limit), !waiting.isEmpty {
            report.status = "degraded"
            report.urgent = "\(waiting.count) urgent case(s) unclaimed for more than \(Int(limit / 60)) min "
                + "(\(waiting.map { "#\($0.id)" }.joined(separator: ", "))): call volunteers in"
        }
        return report
    }

    func run() async throws {
        let router = Router()
        router.get("health") { _, _ -> Response in
            let report = self.report()
            let body = try JSONEncoder().encode(report)
            return Response(
                status: report.status == "ok" ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        let app = Application(
            router: router, server: ListenerLimits.server(),
            configuration: ListenerLimits.configuration(host: host, port: port, serverName: "entraide", logger: logger),
            logger: logger)
        logger.info("health.listening", metadata: ["health.address": "\(host):\(port)"])
        try await app.run()
    }
}
