/// Why `switchboard chaos` could not do its run (not a violation: those are findings).
struct ChaosError: Error, CustomStringConvertible, Sendable {
    enum Code: String, Sendable {
        /// The system could not be set up or started (configuration, ports, health, agents).
        case setupFailed
        /// A store could not be read after the run.
        case storeUnreadable
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

    init(_ error: BenchError) {
        self.init(error.code == .interrupted ? .interrupted : .setupFailed, error.message, cause: error.cause)
    }

    var description: String {
        cause.map { "\(message): \($0)" } ?? message
    }
}
