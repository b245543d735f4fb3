import Dispatch
import Foundation
import Synchronization

/// Work a load splits over the cores there are (on one core it runs in order): pure functions of their input,
/// so the result is the same whatever the number of cores.
enum Parallel {
    /// `transform` of every element, in order, computed in as many contiguous chunks as there are cores.
    static func map<Element: Sendable, Result: Sendable>(
        _ elements: [Element], minimumChunk: Int = 256, _ transform: @Sendable (Element) -> Result
    ) -> [Result] {
        let chunks = min(ProcessInfo.processInfo.activeProcessorCount, max(1, elements.count / minimumChunk))
        guard chunks > 1 else { return elements.map(transform) }
        let size = (elements.count + chunks - 1) / chunks
        let parts = Mutex<[Int: [Result]]>([:])
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let part = elements[min(chunk * size, elements.count)..<min((chunk + 1) * size, elements.count)]
                .map(transform)
            parts.withLock { $0[chunk] = part }
        }
        return parts.withLock { parts in (0..<chunks).flatMap { parts[$0] ?? [] } }
    }
}
