import CaseTracker
import Foundation
import Gateway
import Helpline
import PollProtocol
import Transport

/// The bytes are the body of a 200 answer to a poll, read by both flavours of the HTTP channel. The promises:
/// - decoding gives a batch or an `invalidResponse` problem, never a trap;
/// - a generic batch has a cursor exactly when it has messages; a Telegram cursor is a number above every update id;
/// - every text, once capped as the helpline stores it, is a prefix of whole characters within the cap;
/// - the protocol's JSON bodies (`UpdatesPage`, `OutgoingMessage`, `InboundSubmission`) that decode survive an
///   encode/decode round trip unchanged (the relay serves what it stored).
enum PollAnswerChecks {
    static func check(_ bytes: UnsafeRawBufferPointer) throws(InvariantViolation) {
        let body = Array(bytes)
        let response = HTTPResponse(status: 200, headers: [], body: body)
        for flavour in [HTTPPollChannelConfiguration.Flavour.generic, .telegram] {
            let configuration = HTTPPollChannelConfiguration(flavour: flavour, baseURL: "http://127.0.0.1:9")
            let batch: PolledBatch
            do {
                batch = try HTTPPollChannel.readPoll(response, configuration: configuration)
            } catch {
                try require(error.kind == .invalidResponse, "a 200 answer gave a \(error.kind) problem: \(error)")
                continue
            }
            try checkBatch(batch, flavour: flavour, channel: configuration.channelName)
        }
        let data = Data(body)
        try checkRoundTrip(UpdatesPage.self, data)
        try checkRoundTrip(OutgoingMessage.self, data)
        try checkRoundTrip(InboundSubmission.self, data)
    }

    static func checkBatch(
        _ batch: PolledBatch, flavour: HTTPPollChannelConfiguration.Flavour, channel: String
    ) throws(InvariantViolation) {
        switch flavour {
        case .generic:
            try require(
                (batch.cursor == nil) == batch.messages.isEmpty, "a generic cursor without messages or the reverse")
        case .telegram:
            if let cursor = batch.cursor {
                guard let next = Int64(cursor) else {
                    throw InvariantViolation(message: "a Telegram cursor that is not a number: \(excerpt(cursor))")
                }
                for message in batch.messages {
                    try require(
                        Int64(message.messageID).map { $0 < next } ?? false,
                        "Telegram update \(message.messageID) is not below the cursor \(cursor)")
                }
            } else {
                try require(batch.messages.isEmpty, "Telegram messages without a cursor")
            }
        }
        for message in batch.messages {
            try require(message.channel == channel, "a message of channel \(message.channel) read by \(channel)")
            // The real cap, and a small one so that cutting is exercised by short bodies.
            for limit in [Helpline.maxMessageBytes, 1 + message.text.utf8.count / 2] {
                let capped = Helpline.capped(message.text, limit: limit)
                try require(capped.utf8.count <= limit, "a capped text of \(capped.utf8.count) bytes (cap \(limit))")
                try require(
                    message.text.utf8.starts(with: capped.utf8), "a capped text is not a prefix of the text")
                // Whole characters: the cut is a character boundary of the original text.
                let cut = message.text.utf8.index(message.text.startIndex, offsetBy: capped.utf8.count)
                try require(
                    cut.samePosition(in: message.text) != nil, "capping cut a character: \(excerpt(message.text))")
            }
        }
    }

    static func checkRoundTrip<Body: Codable & Equatable>(_ type: Body.Type, _ data: Data) throws(InvariantViolation) {
        guard let decoded = try? JSONDecoder().decode(type, from: data) else { return }
        do {
            let again = try JSONDecoder().decode(type, from: JSONEncoder().encode(decoded))
            try require(again == decoded, "\(type) changed in an encode/decode round trip")
        } catch let violation as InvariantViolation {
            throw violation
        } catch {
            throw InvariantViolation(message: "\(type) decoded but its encoding does not decode: \(error)")
        }
    }
}
