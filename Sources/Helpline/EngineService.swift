public import ServiceLifecycle

/// Runs the engine whenever a message is stored, until shutdown. One engine task for the
/// whole process: the conversations' order is the inbox's order.
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
