import ChannelRecords
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PollProtocol

/// The relay's routes, one function each. Answers are JSON; errors say what to fix.
struct RelayHandlers: Sendable {
    let configuration: RelayConfiguration
    let store: RelayStore
    let arrivals: Broadcast
    let outboundBell: Broadcast
    let logger: Logger
    private let inboundSignature: Signature
    private let botSignature: Signature
    private let inboundReplays = ReplayGuard()
    private let botReplays = ReplayGuard()

    init(configuration: RelayConfiguration, store: RelayStore, arrivals: Broadcast, outboundBell: Broadcast, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.arrivals = arrivals
        self.outboundBell = outboundBell
        self.logger = logger
        inboundSignature = Signature(secrets: [configuration.inboundSecret])
        botSignature = Signature(secrets: configuration.botSigningSecret.map { [$0] } ?? [])
    }

    static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    // MARK: POST /inbound — a provider's webhook or a web form

    func inbound(_ request: Request) async throws -> Response {
        var request = request
        let body = try await Self.bytes(&request, limit: configuration.maxBodyBytes)
        do {
            if let github = request.headers[HTTPField.Name(GitHubSignature.headerName)!],
                request.headers[HTTPField.Name(Signature.headerName)!] == nil
            {
                guard GitHubSignature.verify(header: github, body: body, secret: configuration.inboundSecret) else {
                    throw SignatureError(.mismatch)
                }
            } else {
                let header = request.headers[HTTPField.Name(Signature.headerName)!]
                _ = try inboundSignature.verify(header: header, body: body, now: Self.now, admittingOnce: inboundReplays)
            }
        } catch let error as SignatureError {
            logger.notice("relay.inbound_refused", metadata: ["signature.problem": "\(error.kind.rawValue)"])
            return Self.json(.unauthorized, ["error": error.description])
        }
        guard var submission = try? JSONDecoder().decode(InboundSubmission.self, from: Data(body)),
            !submission.id.isEmpty, !submission.from.isEmpty
        else {
            return Self.json(.badRequest, ["error": "the body must be JSON {\"id\",\"from\",\"text\"} with a non-empty id and from"])
        }
        // Stored as the bot would store it: controls shown, identifiers (e-mails, phone numbers, worker ids) masked.
        submission.text = IdentifierMask.mask(VisibleControls.show(submission.text))
        switch try store.addInbound(submission) {
        case .stored:
            arrivals.notifyAll()
            logger.debug("relay.inbound_stored")
            return Self.json(.ok, ["status": "stored"])
        case .duplicate:
            return Self.json(.ok, ["status": "duplicate"])
        case .conflict:
            return Self.json(.unprocessableContent, ["error": "this id was already used for a different message"])
        }
    }

    // MARK: GET /updates — the bot's long-poll

    func updates(_ request: Request, fault: FaultPlan.Fault?) async throws -> Response {
        let requestMAC: String?
        switch try authorise(request, body: []) {
        case .refused(let refusal): return refusal
        case .admitted(let mac): requestMAC = mac
        }
        if let early = Self.earlyAnswer(fault) { return early }
        let query = request.uri.queryParameters
        let afterText = query.get("after") ?? ""
        guard let after = afterText.isEmpty ? 0 : Int64(afterText), after >= 0 else {
            return Self.json(.badRequest, ["error": "after must be a cursor this relay gave (a whole number)"])
        }
        let wait = min(Duration.seconds(Int(String(query.get("wait") ?? "0")) ?? 0), configuration.maxWait)
        let limit = min(max(Int(String(query.get("limit") ?? "100")) ?? 100, 1), 1000)
        // The bot asks for what follows `after` once it has committed everything up to it: those are let go.
        try store.acknowledge(through: after)
        let deadline = ContinuousClock.now + wait
        var page: UpdatesPage
        while true {
            let seen = arrivals.generation
            page = try store.updates(after: after, limit: limit)
            let remaining = deadline - ContinuousClock.now
            guard page.messages.isEmpty, remaining > .zero, !Task.isCancelled else { break }
            await arrivals.wait(since: seen, timeout: remaining)
        }
        return try await answer(encoding: page, answering: requestMAC, fault: fault)
    }

    // MARK: POST /messages — the bot's replies

    func messages(_ request: Request, fault: FaultPlan.Fault?) async throws -> Response {
        var request = request
        let body = try await Self.bytes(&request, limit: configuration.maxBodyBytes)
        let requestMAC: String?
        switch try authorise(request, body: body) {
        case .refused(let refusal): return refusal
        case .admitted(let mac): requestMAC = mac
        }
        if let early = Self.earlyAnswer(fault) { return early }
        guard let message = try? JSONDecoder().decode(OutgoingMessage.self, from: Data(body)), !message.id.isEmpty else {
            return Self.json(.badRequest, ["error": "the body must be JSON {\"id\",\"to\",\"text\"} with a non-empty id"])
        }
        if configuration.faults.refuses(recipient: message.to) {
            return Self.json(.forbidden, ["error": "injected fault: 403, this recipient blocked the bot"])
        }
        let status: String
        switch try store.addOutbound(message) {
        case .stored:
            outboundBell.notifyAll()
            status = "stored"
        case .duplicate:
            status = "duplicate"  // acknowledged, neither stored nor forwarded again
        case .conflict:
            return Self.json(.unprocessableContent, ["error": "this id was already used for a different message"])
        }
        return try await answer(encoding: ["status": status], answering: requestMAC, fault: fault)
    }

    // MARK: GET /outbound?to= — replies kept for a web form

    func outbound(_ request: Request) async throws -> Response {
        guard let formToken = configuration.formToken else {
            return Self.json(.notFound, ["error": "GET /outbound is closed: start the relay with a form token to open it"])
        }
        guard Self.bearer(request) == formToken else {
            return Self.json(.unauthorized, ["error": "missing or wrong bearer token"])
        }
        let query = request.uri.queryParameters
        guard let to = query.get("to"), !to.isEmpty else {
            return Self.json(.badRequest, ["error": "to= is required"])
        }
        let after = Int64(query.get("after") ?? "0") ?? 0
        let replies = try store.replies(to: to, after: after, limit: 100)
        let page = OutboundPage(
            messages: replies.map { $0.message }, cursor: "\(replies.last?.sequence ?? after)")
        return try Self.encoded(.ok, page)
    }

    struct OutboundPage: Codable {
        var messages: [OutgoingMessage]
        var cursor: String
    }

    // MARK: Helpers

    enum Authorisation {
        /// The bot may go on; with signatures, the MAC of its request, which the answer's signature names.
        case admitted(requestMAC: String?)
        case refused(Response)
    }

    private func authorise(_ request: Request, body: [UInt8]) throws -> Authorisation {
        guard let given = Self.bearer(request),
            HMACSHA256.constantTimeEqual(Array(given.utf8), Array(configuration.botToken.utf8))
        else {
            logger.notice("relay.bot_refused", metadata: ["reason": "token"])
            return .refused(Self.json(.unauthorized, ["error": "missing or wrong bearer token"]))
        }
        guard botSignature.isEnabled else { return .admitted(requestMAC: nil) }
        do {
            let header = request.headers[HTTPField.Name(Signature.headerName)!]
            // A GET's signature covers no body: the same one may come twice in a second, harmlessly.
            let mac = try botSignature.verifiedRequest(
                header: header, body: body, now: Self.now, admittingOnce: request.method == .post ? botReplays : nil)
            return .admitted(requestMAC: mac)
        } catch {
            logger.notice("relay.bot_refused", metadata: ["signature.problem": "\(error.kind.rawValue)"])
            return .refused(Self.json(.unauthorized, ["error": error.description]))
        }
    }

    /// Faults that answer before any work is done.
    private static func earlyAnswer(_ fault: FaultPlan.Fault?) -> Response? {
        switch fault {
        case .serverError:
            return json(.internalServerError, ["error": "injected fault: 500"])
        case .tooManyRequests(let seconds):
            var response = json(.tooManyRequests, ["error": "injected fault: 429"])
            response.headers[.retryAfter] = "\(seconds)"
            return response
        default:
            return nil
        }
    }

    /// The answer after the work is committed, signed when a secret is shared (naming the request it answers),
    /// with the late faults.
    private func answer<Value: Encodable>(
        encoding value: Value, answering requestMAC: String?, fault: FaultPlan.Fault?
    ) async throws -> Response {
        let body = Array(try JSONEncoder().encode(value))
        switch fault {
        case .drop:
            // Committed, but the bot never hears it: the connection is cut before the answer.
            return Response(
                status: .ok, headers: [.contentLength: "\(body.count + 1)"],
                body: ResponseBody(contentLength: body.count + 1) { _ in throw InjectedDrop() })
        case .hold(let duration):
            try await Task.sleep(for: duration)
        case .oversize(let bytes):
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(repeating: UInt8(ascii: " "), count: bytes)))
        default:
            break
        }
        var response = Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        if botSignature.isEnabled, let requestMAC {
            response.headers[HTTPField.Name(Signature.headerName)!] = botSignature.sign(
                body, timestamp: Self.now, answering: requestMAC)
        }
        return response
    }

    struct InjectedDrop: Error {}

    static func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], value.hasPrefix("Bearer ") else { return nil }
        return String(value.dropFirst("Bearer ".count))
    }

    static func bytes(_ request: inout Request, limit: Int) async throws -> [UInt8] {
        let buffer = try await request.collectBody(upTo: limit)
        return Array(buffer.readableBytesView)
    }

    static func json(_ status: HTTPResponse.Status, _ fields: [String: String]) -> Response {
        (try? encoded(status, fields)) ?? Response(status: status)
    }

    static func encoded<Value: Encodable>(_ status: HTTPResponse.Status, _ value: Value) throws -> Response {
        let body = try JSONEncoder().encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
