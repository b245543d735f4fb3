public import CaseTracker
import Foundation
public import IntentMatcher
public import Logging
import Synchronization

/// Wires the engine to the store: a channel hands messages in, the engine turns stored messages
/// into stored replies, a channel takes replies out. Every step is a committed transaction.
public final class Helpline: Sendable {
    public let store: CaseStore
    public let library: AnswerLibrary
    /// Internal, not private: extensions in other files of the module (one per concern) use them.
    let pseudonymizer: Pseudonymizer
    private let defaultLanguage: Language
    let logger: Logger
    /// Rung when a message is stored: the engine service wakes up.
    public let inboxBell = Doorbell()
    private let outboxBells = Mutex<[String: Doorbell]>([:])
    /// Bytes of a message kept; longer ones are cut on a character boundary (a 1 MiB paste
    /// must not fill the store or slow the matcher).
    public static let maxMessageBytes = 16 * 1024

    public init(
        store: CaseStore, library: AnswerLibrary, pseudonymizer: Pseudonymizer, defaultLanguage: Language,
        logger: Logger
    ) {
        self.store = store
        self.library = library
        self.pseudonymizer = pseudonymizer
        self.defaultLanguage = defaultLanguage
        self.logger = logger
    }

    /// Commits a message from a channel. Only after this returns may the channel acknowledge it.
    public func receive(_ message: InboundMessage) throws -> ReceiveOutcome {
        var message = message
        message.text = Self.capped(message.text)
        let pseudonym = pseudonymizer.pseudonym(channel: message.channel, address: message.address)
        let outcome = try store.receive(message, pseudonym: pseudonym)
        if case .stored = outcome { inboxBell.ring() }
        // Never the text or the address at info level: only the pseudonym and the channel.
        logger.debug("message.received", metadata: ["worker": "\(pseudonym)", "channel": "\(message.channel)"])
        return outcome
    }

    /// Runs the engine over every stored, unprocessed message. Returns how many it handled.
    @discardableResult
    public func processPending() throws -> Int {
        var handled = 0
        while true {
            let batch = try store.pendingInbox(limit: 100)
            if batch.isEmpty {
                if handled > 0 { for bell in outboxBells.withLock({ Array($0.values) }) { bell.ring() } }
                return handled
            }
            let snapshot = library.snapshot
            let engine = HelplineEngine(answers: snapshot.answers, matcher: snapshot.matcher, defaultLanguage: defaultLanguage)
            for item in batch {
                let state = try store.conversation(of: item.pseudonym)
                let outcome = engine.respond(to: item.text, state: state)
                try store.complete(item, state: outcome.state, replies: outcome.replies, eraseWorker: outcome.eraseWorker)
                logger.info(
                    "message.handled",
                    metadata: [
                        "worker": "\(item.pseudonym)", "decision": "\(outcome.decision?.rawValue ?? "command")",
                        "intent": "\(outcome.intent ?? "-")", "replies": "\(outcome.replies.count)",
                    ])
                handled += 1
            }
        }
    }

    func reportEngineFailure(_ error: any Error) {
        logger.error("engine.failed", metadata: ["error": "\(error)"])
    }

    /// Rung when replies for `channel` may be waiting in the outbox: its sender wakes up.
    public func outboxBell(for channel: String) -> Doorbell {
        outboxBells.withLock { bells in
            if let bell = bells[channel] { return bell }
            let bell = Doorbell()
            bells[channel] = bell
            return bell
        }
    }

    static func capped(_ text: String) -> String {
        guard text.utf8.count > maxMessageBytes else { return text }
        var result = ""
        var bytes = 0
        for character in text {
            bytes += character.utf8.count
            if bytes > maxMessageBytes { break }
            result.append(character)
        }
        return result
    }
}
