import Dispatch
import Foundation
import Helpline

/// Reloads the answer files when the process receives SIGHUP (`systemctl reload entraide`,
/// `kill -HUP PID`). A broken set is refused and logged; the last good one keeps serving.
enum ReloadOnHangup {
    /// Keeps the signal source alive for the life of the process.
    nonisolated(unsafe) private static var source: (any DispatchSourceSignal)?

    static func install(library: AnswerLibrary) {
        // The default action of SIGHUP ends the process: ignore it, and take it from the source.
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { library.reload() }
        source.resume()
        Self.source = source
    }
}
