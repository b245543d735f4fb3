import ChannelRecords
package import Helpline
import Foundation
import PollProtocol
import Transport

/// The Telegram Bot API (public or a self-hosted Bot API server): `getUpdates` with `offset` and
/// `timeout`, `sendMessage` with `chat_id` and `text`. The offset is the last update_id + 1, and
/// it is sent only once the updates are committed: Telegram forgets what an offset confirms.
struct TelegramPollDialect: PollDialect {
    let configuration: HTTPPollChannelConfiguration
    /// Telegram refuses longer texts.
    static let maxTextCharacters = 4096

    private struct Envelope<Result: Decodable>: Decodable {
        struct Parameters: Decodable {
            var retry_after: Int?
        }
        var ok: Bool
        var result: Result?
        var parameters: Parameters?
    }

    private struct Update: Decodable {
        struct Message: Decodable {
            struct Chat: Decodable { var id: Int64 }
            var chat: Chat
            var text: String?
        }
        var update_id: Int64
        var message: Message?
    }

    private struct SendBody: Encodable {
        var chat_id: String
        var text: String
    }

    func pollRequest(cursor: String?) throws -> HTTPRequest {
        let wait = configuration.pollWait.components.seconds
        var url = "\(configuration.baseURL)/getUpdates?timeout=\(wait)&limit=\(min(100, configuration.batchLimit))"
        url += "&allowed_updates=%5B%22message%22%5D"
        if let cursor, !cursor.isEmpty { url += "&offset=\(cursor.queryEncoded)" }
        return HTTPRequest(
            method: .get, url: url, connectTimeout: configuration.connectTimeout,
            totalTimeout: configuration.pollWait + configuration.requestTimeout,
            maxResponseBytes: configuration.maxResponseBytes, lowSpeedBytesPerSecond: 1,
            lowSpeedWindow: configuration.pollWait + configuration.requestTimeout)
    }

    func readPoll(_ response: HTTPResponse, answering request: HTTPRequest, channel: String) throws(PollProblem) -> PolledBatch {
        let envelope = try? JSONDecoder().decode(Envelope<[Update]>.self, from: Data(response.body))
        try checkStatus(response, retryAfter: envelope?.parameters?.retry_after.map { .seconds($0) })
        guard let envelope, envelope.ok, let updates = envelope.result else {
            throw invalid("the answer to getUpdates is not {\"ok\":true,\"result\":[…]}")
        }
        guard let last = updates.map(\.update_id).max() else { return PolledBatch(messages: [], cursor: nil) }
        // An update_id of Int64.max has no next offset: `last + 1` trapped, and the bot crashed on every restart
        // since the same update came back each time (the poll-answer fuzz target's fail cases keep the input).
        let (next, overflow) = last.addingReportingOverflow(1)
        guard !overflow else {
            throw invalid("the answer to getUpdates has update_id \(last), which leaves no next offset")
        }
        // Updates that are not text messages (stickers, edits) are passed over, but confirmed too.
        let messages = updates.compactMap { update -> InboundMessage? in
            guard let message = update.message, let text = message.text else { return nil }
            return InboundMessage(
                channel: channel, messageID: "\(update.update_id)", address: "\(message.chat.id)", text: text)
        }
        return PolledBatch(messages: messages, cursor: "\(next)")
    }

    func sendRequest(_ item: OutboxItem) throws -> HTTPRequest {
        var text = item.text
        if text.count > Self.maxTextCharacters { text = String(text.prefix(Self.maxTextCharacters - 1)) + "…" }
        let body = Array(try JSONEncoder().encode(SendBody(chat_id: item.address, text: text)))
        return HTTPRequest(
            method: .post, url: "\(configuration.baseURL)/sendMessage",
            headers: [HTTPHeader("Content-Type", "application/json")], body: body,
            connectTimeout: configuration.connectTimeout, totalTimeout: configuration.requestTimeout,
            maxResponseBytes: configuration.maxResponseBytes, lowSpeedBytesPerSecond: 1,
            lowSpeedWindow: configuration.requestTimeout)
    }

    func readSend(_ response: HTTPResponse, answering request: HTTPRequest) throws(PollProblem) {
        let envelope = try? JSONDecoder().decode(Envelope<IgnoredResult>.self, from: Data(response.body))
        try checkStatus(response, retryAfter: envelope?.parameters?.retry_after.map { .seconds($0) })
    }

    private struct IgnoredResult: Decodable {}
}
