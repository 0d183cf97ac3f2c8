import Foundation
import Glibc
import SwitchboardTestSupport
import Testing

/// `system.cpuScheduling` (decisions §59): every thread of a started process runs under the
/// policy the configuration names, including the threads started after the configuration
/// was read (libzmq's I/O thread, NIO's event loops, Dispatch's workers).
@Suite(.serialized) struct CPUSchedulingTests {
    static let schedOther: Int32 = 0
    static let schedBatch: Int32 = 3

    /// The policy of each thread of `pid`, by thread id.
    static func policies(of pid: Int32) -> [Int32: Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var policies: [Int32: Int32] = [:]
        for task in tasks {
            guard let tid = Int32(task) else { continue }
            let policy = sched_getscheduler(tid)
            if policy >= 0 { policies[tid] = policy }  // a thread that ended meanwhile answers -1
        }
        return policies
    }

    /// Runs `body` with the calling thread under `policy`: a child started meanwhile inherits
    /// it, so only the process's own setting can give its threads another one.
    static func spawning<T>(under policy: Int32, _ body: () throws -> T) rethrows -> T {
        var parameter = sched_param(sched_priority: 0)
        let before = sched_getscheduler(0)
        _ = sched_setscheduler(0, policy, &parameter)
        defer { _ = sched_setscheduler(0, before, &parameter) }
        return try body()
    }

    func check(
        _ parts: [RunningSystem.Part], configuredWith line: String?, startedUnder parentPolicy: Int32, expect policy: Int32
    ) async throws {
        let system = try RunningSystem()
        if let line {
            let text = try String(contentsOfFile: system.configPath, encoding: .utf8)
            try text.replacingOccurrences(of: "system:\n", with: "system:\n  \(line)\n")
                .write(toFile: system.configPath, atomically: true, encoding: .utf8)
        }
        do {
            try Self.spawning(under: parentPolicy) { try system.start(parts) }
            try await system.waitHealthy(parts)
            for part in parts {
                let pid = try #require(system.pid(part))
                let policies = Self.policies(of: pid)
                // The loop, libzmq's I/O thread, the HTTP server's event loops and more.
                #expect(policies.count >= 3, "\(part.rawValue): \(policies)")
                #expect(policies.values.allSatisfy { $0 == policy }, "\(part.rawValue): thread → policy \(policies)")
            }
        } catch {
            Issue.record("\(error)\n\(system.logTails())")
        }
        await system.stopAll()
    }

    @Test func byDefaultEveryThreadOfEveryProcessRunsUnderSchedBatch() async throws {
        try await check(
            [.router, .presence, .distributor1, .ingressCustom], configuredWith: nil, startedUnder: Self.schedOther, expect: Self.schedBatch)
    }

    @Test func normalLeavesTheKernelsDefaultPolicy() async throws {
        try await check([.router, .presence], configuredWith: "cpuScheduling: normal", startedUnder: Self.schedBatch, expect: Self.schedOther)
    }
}
