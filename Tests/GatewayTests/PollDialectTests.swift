@testable import Gateway
import CaseTracker
import Testing
import Transport

/// The two flavours' wire formats, without a network: what is asked, what is believed.
@Suite struct PollDialectTests {
    let telegram = TelegramPollDialect(
        configuration: HTTPPollChannelConfiguration(flavour: .telegram, baseURL: "https://api.telegram.org/bot123:abc"))
    let generic = GenericPollDialect(configuration: HTTPPollChannelConfiguration(baseURL: "http://127.0.0.1:9/x/", token: "t"))

    /// The polls the answers below follow (a signed answer must name its request).
    var telegramPoll: HTTPRequest { try! telegram.pollRequest(cursor: nil) }
    var genericPoll: HTTPRequest { try! generic.pollRequest(cursor: nil) }

    private func response(_ status: Int, _ body: String, headers: [HTTPHeader] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    @Test func telegramOffsetIsTheLastUpdatePlusOneAndNonTextUpdatesAreConfirmed() throws {
        let body = """
            {"ok":true,"result":[
             {"update_id":41,"message":{"message_id":1,"chat":{"id":777},"text":"hello"}},
             {"update_id":43,"message":{"message_id":2,"chat":{"id":778},"sticker":{}}},
             {"update_id":42,"edited_message":{"message_id":1,"chat":{"id":777},"text":"hi"}}]}
            """
        let batch = try telegram.readPoll(response(200, body), answering: telegramPoll, channel: "telegram")
        #expect(batch.cursor == "44")
        #expect(batch.messages.map(\.messageID) == ["41"])
        #expect(batch.messages.first?.address == "777")
        let empty = try telegram.readPoll(response(200, #"{"ok":true,"result":[]}"#), answering: telegramPoll, channel: "telegram")
        #expect(empty.cursor == nil)
        let request = try telegram.pollRequest(cursor: "44")
        #expect(request.url.hasPrefix("https://api.telegram.org/bot123:abc/getUpdates?timeout=25"))
        #expect(request.url.hasSuffix("&offset=44"))
        #expect(request.totalTimeout > .seconds(25))
    }

    @Test func telegramRetryAfterInTheBodyIsHonoured() {
        let body = #"{"ok":false,"error_code":429,"description":"Too Many Requests","parameters":{"retry_after":7}}"#
        #expect(throws: PollProblem.self) { try telegram.readPoll(response(429, body), answering: telegramPoll, channel: "telegram") }
        do {
            _ = try telegram.readPoll(response(429, body), answering: telegramPoll, channel: "telegram")
        } catch {
            #expect(error.kind == .retry)
            #expect(error.notBefore == .seconds(7))
        }
    }

    @Test func hostileOrBrokenAnswersAreRefusedNotBelieved() {
        for body in ["", "null", "<html>", #"{"messages":"no"}"#, #"{"messages":[{"id":1}],"cursor":"2"}"#, "{\"messages\":["] {
            do {
                _ = try generic.readPoll(response(200, body), answering: genericPoll, channel: "http")
                Issue.record("accepted \(body)")
            } catch {
                #expect(error.kind == .invalidResponse)
            }
        }
        do {
            _ = try generic.readPoll(response(404, "{}"), answering: genericPoll, channel: "http")
        } catch {
            #expect(error.kind == .giveUp)
        }
    }

    /// `update_id + 1` used to trap, and the same update came back after every restart.
    @Test func telegramUpdateIDWithNoNextOffsetIsRefusedNotATrap() {
        let body = #"{"ok":true,"result":[{"update_id":9223372036854775807,"message":{"chat":{"id":1},"text":"x"}}]}"#
        do {
            _ = try telegram.readPoll(response(200, body), answering: telegramPoll, channel: "telegram")
            Issue.record("accepted an update with no next offset")
        } catch {
            #expect(error.kind == .invalidResponse)
        }
    }
}
