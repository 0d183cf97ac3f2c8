/// Why `switchboard bench` (or a `bench-node`) could not do its run.
struct BenchError: Error, CustomStringConvertible, Sendable {
    enum Code: String, Sendable {
        /// A bad option value.
        case invalidOptions
        /// The generated configuration, its folder or free ports could not be made.
        case setupFailed
        /// A process did not come up (no /healthz, agents not welcomed) in time.
        case notReady
        /// The load could not be driven (a webhook or Submit refused, a socket failed).
        case loadFailed
        /// The baseline pipeline failed.
        case baselineFailed
        /// Ctrl-C or SIGTERM during the run.
        case interrupted
    }

    let code: Code
    let message: String
    let cause: (any Error)?

    init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    var description: String {
        cause.map { "\(message): \($0)" } ?? message
    }
}
