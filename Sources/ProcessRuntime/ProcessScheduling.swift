#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import SwitchboardCore

/// Puts every thread of this process under the scheduling policy `system.cpuScheduling`
/// names (decisions §59). Called once at start, right after the configuration is read.
public enum ProcessScheduling {
    /// Sets the policy of every thread that exists now. Threads started later (libzmq's I/O
    /// thread, NIO's event loops, Dispatch's workers) inherit it from the thread that starts
    /// them: pthreads' default is `PTHREAD_INHERIT_SCHED`. Neither policy needs a privilege.
    /// A thread that cannot be changed (it ended meanwhile) is skipped; the process runs on
    /// under the kernel's default either way, so a failure is a warning, not a reason to stop.
    public static func apply(_ scheduling: CPUScheduling, logger: Logger) {
        #if os(Linux)
        let policy = linuxPolicy(scheduling)
        var failed: [String] = []
        for thread in threadIDs() {
            var parameter = sched_param(sched_priority: 0)
            if sched_setscheduler(thread, policy, &parameter) != 0 {
                failed.append("\(thread): \(String(cString: strerror(errno)))")
            }
        }
        if failed.isEmpty {
            logger.debug("CPU scheduling set", metadata: ["policy": "\(scheduling.rawValue)"])
        } else {
            logger.warning(
                "cannot set the CPU scheduling of some threads",
                metadata: ["policy": "\(scheduling.rawValue)", "threads": "\(failed.joined(separator: ", "))"])
        }
        #endif
    }

    #if os(Linux)
    /// Linux's numbers (sched.h): `SCHED_BATCH` is only visible to C with `_GNU_SOURCE`.
    static func linuxPolicy(_ scheduling: CPUScheduling) -> Int32 {
        switch scheduling {
        case .batch: 3  // SCHED_BATCH
        case .normal: 0  // SCHED_OTHER
        }
    }

    /// The ids of this process's threads, from `/proc/self/task`.
    static func threadIDs() -> [pid_t] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        let ids = names.compactMap { pid_t($0) }
        return ids.isEmpty ? [0] : ids  // 0: the calling thread
    }
    #endif
}
