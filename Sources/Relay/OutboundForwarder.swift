import Foundation
import Logging
import PollProtocol
import ServiceLifecycle
import Transport

/// Hands stored replies to the outbound webhook (a provider's API, a form backend), oldest first,
/// signed, through Transport's libcurl loop. A reply is marked forwarded only after a 2xx; anything
/// else waits with capped, fully jittered backoff (or `Retry-After`) and is tried again.
struct OutboundForwarder: Service {
    let url: String
    let signature: Signature
    let store: RelayStore
    let loop: CurlEventLoop
    let bell: Broadcast
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.forwardLoop() }
    }

    private func forwardLoop() async {
        var backoff = Backoff(base: .milliseconds(200), cap: .seconds(60))
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            let seen = bell.generation
            var pause: Duration?
            do {
                let pending = try store.pendingForward(limit: 100)
                if pending.isEmpty {
                    await bell.wait(since: seen, timeout: .seconds(5))
                    continue
                }
                for reply in pending {
                    let decision = try await forward(reply)
                    if case .retry(let notBefore) = decision {
                        try store.recordForwardAttempt(sequence: reply.sequence)
                        pause = max(backoff.nextDelay(using: &random), notBefore ?? .zero)
                        break
                    }
                    if decision == .giveUp {
                        // The receiver refuses it for good; kept, marked forwarded so the queue moves.
                        logger.error("relay.forward_refused", metadata: ["reply.id": "\(reply.message.id)"])
                    }
                    try store.markForwarded(sequence: reply.sequence)
                    backoff.reset()
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("relay.forward_failed", metadata: ["error": "\(error)"])
                pause = backoff.nextDelay(using: &random)
            }
            if let pause { try? await Task.sleep(for: pause) }
        }
    }

    private func forward(_ reply: RelayStore.StoredReply) async throws -> RetryDecision {
        let body = Array(try JSONEncoder().encode(reply.message))
        var headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("Idempotency-Key", reply.message.id)]
        if signature.isEnabled {
            headers.append(HTTPHeader(Signature.headerName, signature.sign(body, timestamp: Int64(Date().timeIntervalSince1970))))
        }
        let request = Transport.HTTPRequest(
            method: .post, url: url, headers: headers, body: body, connectTimeout: .seconds(10), totalTimeout: .seconds(20),
            maxResponseBytes: 64 * 1024, lowSpeedBytesPerSecond: 1, lowSpeedWindow: .seconds(20))
        do {
            let response = try await loop.execute(request)
            let decision = RetryRules.decide(status: response.status, retryAfter: response.value(of: "Retry-After"))
            if decision != .success {
                logger.warning("relay.forward_answered", metadata: ["http.status": "\(response.status)"])
            }
            return decision
        } catch let error as TransportError {
            logger.warning("relay.forward_unreachable", metadata: ["error": "\(error)"])
            return .retry(notBefore: nil)
        }
    }
}
