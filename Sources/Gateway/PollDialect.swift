package import ChannelRecords
package import Helpline
import Foundation
import PollProtocol
import Transport

/// What one poll brought: the messages, and the cursor to commit with them (nil: nothing new).
package struct PolledBatch: Sendable {
    package var messages: [InboundMessage]
    package var cursor: String?
}

/// Why a poll or a send did not succeed, and whether trying again can help.
package struct PollProblem: Error, CustomStringConvertible {
    package enum Kind { case retry, giveUp, invalidResponse }
    package let kind: Kind
    package let notBefore: Duration?
    package let reason: String

    package var description: String { reason }
}

/// The wire format of one flavour: how to ask, how to read the answer. No I/O.
protocol PollDialect: Sendable {
    func pollRequest(cursor: String?) throws -> HTTPRequest
    /// `request`: the poll it answers (a signed answer must name it).
    func readPoll(_ response: HTTPResponse, answering request: HTTPRequest, channel: String) throws(PollProblem) -> PolledBatch
    func sendRequest(_ item: OutboxItem) throws -> HTTPRequest
    func readSend(_ response: HTTPResponse, answering request: HTTPRequest) throws(PollProblem)
}

extension PollDialect {
    /// The common status rules (RetryRules): 2xx on, 408/429/5xx again later, other 4xx never.
    func checkStatus(_ response: HTTPResponse, retryAfter: Duration? = nil) throws(PollProblem) {
        switch RetryRules.decide(status: response.status, retryAfter: response.value(of: "Retry-After")) {
        case .success: return
        case .retry(let notBefore):
            throw PollProblem(kind: .retry, notBefore: notBefore ?? retryAfter, reason: "HTTP \(response.status)")
        case .giveUp:
            throw PollProblem(kind: .giveUp, notBefore: nil, reason: "HTTP \(response.status)")
        }
    }

    func invalid(_ reason: String) -> PollProblem {
        PollProblem(kind: .invalidResponse, notBefore: nil, reason: reason)
    }
}

extension String {
    /// Percent-encoding for a query value: only unreserved characters pass.
    var queryEncoded: String {
        addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn:
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? ""
    }
}
