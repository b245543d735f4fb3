import ChannelRecords
package import Helpline
import Foundation
import PollProtocol
import Transport

/// The protocol of docs/http-channel.md: `GET /updates?after=&wait=`, `POST /messages`,
/// a bearer token, and the optional `Entraide-Signature` on requests and answers.
struct GenericPollDialect: PollDialect {
    let configuration: HTTPPollChannelConfiguration
    let signature: Signature

    init(configuration: HTTPPollChannelConfiguration) {
        self.configuration = configuration
        self.signature = Signature(secrets: configuration.signingSecret.map { [$0] } ?? [])
    }

    private func headers(body: [UInt8]) -> [HTTPHeader] {
        var headers = [HTTPHeader("Accept", "application/json")]
        if let token = configuration.token { headers.append(HTTPHeader("Authorization", "Bearer \(token)")) }
        if signature.isEnabled {
            headers.append(HTTPHeader(Signature.headerName, signature.sign(body, timestamp: Int64(Date().timeIntervalSince1970))))
        }
        return headers
    }

    func pollRequest(cursor: String?) throws -> HTTPRequest {
        let wait = configuration.pollWait.components.seconds
        let url = "\(configuration.baseURL)/updates?after=\((cursor ?? "").queryEncoded)&wait=\(wait)&limit=\(configuration.batchLimit)"
        return HTTPRequest(
            method: .get, url: url, headers: headers(body: []), connectTimeout: configuration.connectTimeout,
            totalTimeout: configuration.pollWait + configuration.requestTimeout,
            maxResponseBytes: configuration.maxResponseBytes, lowSpeedBytesPerSecond: 1,
            lowSpeedWindow: configuration.pollWait + configuration.requestTimeout)
    }

    func readPoll(_ response: HTTPResponse, answering request: HTTPRequest, channel: String) throws(PollProblem) -> PolledBatch {
        try checkStatus(response)
        try checkSignature(response, answering: request)
        guard let page = try? JSONDecoder().decode(UpdatesPage.self, from: Data(response.body)) else {
            throw invalid("the answer to GET /updates is not {\"messages\":[…],\"cursor\":…}")
        }
        guard !page.messages.isEmpty else { return PolledBatch(messages: [], cursor: nil) }
        let messages = page.messages.map {
            InboundMessage(channel: channel, messageID: $0.id, address: $0.from, text: $0.text)
        }
        return PolledBatch(messages: messages, cursor: page.cursor)
    }

    func sendRequest(_ item: OutboxItem) throws -> HTTPRequest {
        let body = Array(try JSONEncoder().encode(
            OutgoingMessage(id: item.key, to: item.address, text: item.text, forget: item.endsErasure ? true : nil)))
        var headers = headers(body: body)
        headers.append(HTTPHeader("Content-Type", "application/json"))
        headers.append(HTTPHeader("Idempotency-Key", item.key))
        return HTTPRequest(
            method: .post, url: "\(configuration.baseURL)/messages", headers: headers, body: body,
            connectTimeout: configuration.connectTimeout, totalTimeout: configuration.requestTimeout,
            maxResponseBytes: configuration.maxResponseBytes, lowSpeedBytesPerSecond: 1,
            lowSpeedWindow: configuration.requestTimeout)
    }

    func readSend(_ response: HTTPResponse, answering request: HTTPRequest) throws(PollProblem) {
        try checkStatus(response)
        try checkSignature(response, answering: request)
    }

    /// An answer that should be signed and is not, or is signed wrongly, or for another request (a validly signed
    /// answer replayed by someone on the path), is not believed: a reply is then sent again, not marked delivered.
    private func checkSignature(_ response: HTTPResponse, answering request: HTTPRequest) throws(PollProblem) {
        guard signature.isEnabled else { return }
        guard let sent = request.headers.last(where: { $0.name == Signature.headerName }).flatMap({ Signature.signedMAC(of: $0.value) })
        else { throw invalid("the request was not signed, so its answer cannot be checked") }
        do {
            _ = try signature.verify(
                header: response.value(of: Signature.headerName), body: response.body, now: Int64(Date().timeIntervalSince1970),
                answering: sent)
        } catch {
            throw invalid("the endpoint's answer is not signed correctly for this request: \(error)")
        }
    }
}
