import ChannelRecords
import Foundation
public import Helpline

/// The terminal as a channel: a person types as a worker, through the same path the network
/// channels use (inbox → engine → outbox), so a demo exercises the real thing.
public struct ConsoleChannel: Sendable {
    public static let channel = "console"

    /// The engine runs inline here (one person typing); messages go in and replies out through the mailbox.
    private let helpline: Helpline
    private let mailbox: Mailbox
    /// The worker's "address" on this channel; different names are different workers.
    private let worker: String
    private let interactive: Bool

    public init(helpline: Helpline, worker: String, interactive: Bool) {
        self.helpline = helpline
        self.mailbox = helpline.mailbox(for: Self.channel)
        self.worker = worker
        self.interactive = interactive
    }

    public static let banner = """
        Entraide — a mutual-aid helpline for click workers and data labellers.
        Write as a worker would (any of en, fr, es, pt, ar). /help for terminal commands, /quit to leave.
        """

    public static let terminalHelp = """
        Terminal commands:
          /help   this text
          /quit   leave (end of input does the same)
        What workers can write: "help" (the topics), "human" (a volunteer), "more" (details),
        "lang en|fr|es|pt|ar" (language), "forget me" (erase everything), "stop".
        """

    /// Reads lines until `/quit` or the end of input; answers each before reading the next.
    public func run(lines: some AsyncSequence<String, Never>) async throws {
        if interactive { write(Self.banner) }
        // Replies left in the outbox by an earlier run that stopped mid-way go out first.
        try helpline.processPending()
        try deliver()
        prompt()
        for await line in lines {
            switch line.trimmingCharacters(in: .whitespaces) {
            case "/quit", "/exit":
                return
            case "/help":
                write(Self.terminalHelp)
            default:
                let message = InboundMessage(
                    channel: Self.channel, messageID: UUID().uuidString, address: worker, text: line)
                _ = try mailbox.receive(message)
                try helpline.processPending()
                try deliver()
            }
            prompt()
        }
    }

    /// Sends this worker's pending replies, each marked delivered only once written out.
    private func deliver() throws {
        for item in try mailbox.pendingReplies() where item.address == worker {
            write(interactive ? "entraide › " + item.text.replacingOccurrences(of: "\n", with: "\n           ") : item.text)
            try mailbox.delivered(item)
        }
    }

    private func prompt() {
        guard interactive else { return }
        FileHandle.standardOutput.write(Data("you › ".utf8))
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Standard input as lines, read on a thread of its own: a blocking read must not hold one
    /// of the few threads that run Swift's async tasks.
    public static func standardInputLines() -> AsyncStream<String> {
        AsyncStream { continuation in
            let thread = Thread {
                while let line = readLine(strippingNewline: true) { continuation.yield(line) }
                continuation.finish()
            }
            thread.name = "entraide-console"
            thread.start()
        }
    }
}
