public import ServiceLifecycle

/// Runs the engine whenever a message is stored and left unanswered, until shutdown: the rows a channel's batch
/// did not answer itself (`Helpline.receive(batch:…)` answers its batch in the same transaction), single messages
/// (the terminal), and what a crash left. Every run, here or in a channel's task, takes the oldest pending rows
/// inside the store's one write lock, so the conversations' order is the inbox's order.
public struct EngineService: Service {
    private let helpline: Helpline

    public init(helpline: Helpline) {
        self.helpline = helpline
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try helpline.processPending()
                } catch {
                    // The store refused (disk full, locked): the messages stay in the inbox and the
                    // next ring, or the timer, tries again. Nothing is acknowledged that is not stored.
                    helpline.reportEngineFailure(error)
                }
                await helpline.inboxBell.wait(timeout: .seconds(5))
            }
        }
    }
}
