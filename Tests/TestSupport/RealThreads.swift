public import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What a run of `runOnRealThreads` did.
public struct RealThreadRun: Sendable {
    /// How many distinct OS threads ran a body, all alive at once (so no id was reused).
    public let distinctThreads: Int
    /// False when some body was still running at the deadline.
    public let finishedInTime: Bool
}

/// Runs each body on an OS thread of its own (a Foundation `Thread`, one pthread each) and
/// releases them together once all have started, so that they really overlap.
///
/// Why not `DispatchQueue.concurrentPerform` or a task group: on this 2-core machine both give
/// two workers at most, and TSan only reports a race that executes (reliability.md §5.3: a race
/// it missed under `concurrentPerform` it found with real threads).
public func runOnRealThreads(
    _ bodies: [(name: String, body: @Sendable () -> Void)], timeout: Duration
) -> RealThreadRun {
    let started = DispatchGroup()
    let finished = DispatchGroup()
    let go = DispatchSemaphore(value: 0)
    let ids = ThreadIDs()
    for (name, body) in bodies {
        started.enter()
        finished.enter()
        let thread = Thread {
            ids.record()
            started.leave()
            go.wait()
            body()
            finished.leave()
        }
        thread.name = name
        thread.start()
    }
    started.wait()
    for _ in bodies { go.signal() }
    let (seconds, attoseconds) = timeout.components
    let deadline = DispatchTime.now() + .milliseconds(Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    let inTime = finished.wait(timeout: deadline) == .success
    return RealThreadRun(distinctThreads: ids.count, finishedInTime: inTime)
}

private final class ThreadIDs: Sendable {
    private let ids = Mutex<Set<UInt>>([])

    func record() {
        let id = currentThreadID()
        _ = ids.withLock { $0.insert(id) }
    }

    var count: Int { ids.withLock { $0.count } }
}

/// A task executor with one OS thread of its own: async code started with
/// `Task(executorPreference:)` runs there, so several of them call into shared code from as many
/// real threads (Swift's global pool has only as many threads as cores, two here).
public final class ThreadExecutor: TaskExecutor {
    private struct Queue {
        var jobs: [UnownedJob] = []
        var stopped = false
    }

    private let queue = Mutex(Queue())
    private let wakeup = DispatchSemaphore(value: 0)

    public init(name: String) {
        let thread = Thread { [self] in runJobs() }
        thread.name = name
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.jobs.append(job) }
        wakeup.signal()
    }

    /// Ends the thread once the jobs queued so far have run.
    public func stop() {
        queue.withLock { $0.stopped = true }
        wakeup.signal()
    }

    private func runJobs() {
        while true {
            wakeup.wait()
            while let job = queue.withLock({ $0.jobs.isEmpty ? nil : $0.jobs.removeFirst() }) {
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
            if queue.withLock({ $0.stopped && $0.jobs.isEmpty }) { return }
        }
    }
}

/// The calling OS thread's id, to show that work really ran on distinct threads.
public func currentThreadID() -> UInt {
    #if os(Linux)
    UInt(pthread_self())
    #else
    UInt(bitPattern: pthread_self())
    #endif
}
