// A driver to profile routing-rule evaluation under perf or callgrind, which the benchmark
// harness does not run under: `evaluate` on RoutingBenchmarks' fixture in a plain loop.
//
//   swift build -c release --product RoutingProfile
//   perf record .build/release/RoutingProfile 2000000 && perf report
//   strip --strip-debug -o /tmp/rp .build/release/RoutingProfile   # valgrind cannot read Swift's DWARF here
//   valgrind --tool=callgrind /tmp/rp 10000; valgrind --tool=callgrind /tmp/rp 40000
//   (the difference of the two totals over 90,000 is the instructions per evaluation)
//
// Figures come from RoutingBenchmarks; this prints rough ns per evaluation only as a check.

import RoutingFixture
import SwitchboardCore

#if canImport(Glibc)
import Glibc
#endif

func seconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

let fixture = RoutingFixture.make()
let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 5_000_000
var queueBytes = 0
for round in 0..<3 {
    let start = seconds()
    for index in 0..<count {
        queueBytes &+= fixture.rules.evaluate(fixture.contexts[index % fixture.contexts.count]).queue.utf8.count
    }
    print("round \(round): \(Int((seconds() - start) / Double(count) * 1e9)) ns per evaluation")
}
print("(\(queueBytes) queue bytes, so that the loop is not optimized away)")
