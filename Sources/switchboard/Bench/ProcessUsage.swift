import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What one process has used so far, read from /proc (Linux): CPU time (user + system) and
/// peak resident memory (`VmHWM`). The bench samples each child before and after a run.
struct ProcessUsage: Sendable, Equatable {
    var cpuSeconds: Double
    var peakResidentBytes: UInt64

    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// nil when the process is gone or /proc cannot be read.
    static func read(pid: Int32) -> ProcessUsage? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let cpu = cpuSeconds(stat: stat)
        else { return nil }
        return ProcessUsage(cpuSeconds: cpu, peakResidentBytes: peakResidentBytes(status: status) ?? 0)
    }

    /// utime + stime (fields 14 and 15). The command name (field 2) may hold spaces and
    /// parentheses, so fields are counted from after its last ')'.
    static func cpuSeconds(stat: String) -> Double? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]), ticksPerSecond > 0 else { return nil }
        return (user + system) / ticksPerSecond
    }

    /// `VmHWM:   123456 kB` of /proc/<pid>/status.
    static func peakResidentBytes(status: String) -> UInt64? {
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kilobytes = UInt64(parts[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }
}
