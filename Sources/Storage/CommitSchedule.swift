/// Where a store's group commits run (decisions §22). Without one, a commit is a task on
/// Swift's global pool that awaits GRDB's writer thread. With one, the process's event loop
/// runs it synchronously on its own thread once no job is ready, so the group holds what the
/// messages of one poll round wrote and nothing hops between threads.
public struct CommitSchedule: Sendable {
    /// Queues its argument to run once the loop is idle; false when the loop has stopped.
    let runWhenIdle: @Sendable (@escaping @Sendable () -> Void) -> Bool

    /// `runWhenIdle`: e.g. `ZeroMQEventLoop.runWhenIdle` of the process's loop.
    public init(runWhenIdle: @escaping @Sendable (@escaping @Sendable () -> Void) -> Bool) {
        self.runWhenIdle = runWhenIdle
    }
}
