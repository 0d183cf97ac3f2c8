#if canImport(Glibc)
import Glibc
#endif

/// Monotonic nanoseconds: one cheap time base shared by the load drivers and the agents, so
/// a conversation's send, offer and Active times subtract exactly.
enum BenchClock {
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(seconds, 0)) * 1_000_000_000 + UInt64(max(attoseconds, 0) / 1_000_000_000)
    }
}

extension BenchClock {
    /// Sleeps until `time`, or until `stopped` says so (looked at every 100 ms).
    static func sleep(until time: UInt64, unless stopped: @Sendable () -> Bool = { false }) async {
        while !stopped(), !Task.isCancelled {
            let now = now()
            guard time > now else { return }
            try? await Task.sleep(for: .nanoseconds(Int64(min(time - now, 100_000_000))))
        }
    }
}
