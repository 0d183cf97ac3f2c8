// Routing-rule evaluation (issue 4, item 8): one work stream with 200 routing rules over 20
// context variables (10 text, 10 number), loaded through ConfigurationLoader like any
// configuration. Most conversations fall back (every rule is evaluated); the rest match one
// of the last few rules: the worst case for top-down, first-match evaluation.
//
// Run from Benchmarks/:  swift package --disable-sandbox benchmark
// With scalingFactor .kilo each sample is 1,000 evaluations: the (K) columns are per
// evaluation for time and mallocs, and throughput is in thousands of evaluations per second.

import Benchmark
import RoutingFixture
import SwitchboardCore

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 100_000
    )

    let fixture = RoutingFixture.make()

    // The hot path: the rules against a context already resolved into slots.
    Benchmark("evaluate (200 rules, pre-built RoutingContext)") { benchmark in
        let rules = fixture.rules
        let contexts = fixture.contexts
        for index in benchmark.scaledIterations {
            blackHole(rules.evaluate(contexts[index % contexts.count]))
        }
    }

    // What the router does per new conversation: resolve name -> value dictionaries into a
    // RoutingContext (type checks, case folding), then evaluate.
    Benchmark("route(context:channelData:) (200 rules, from dictionaries)") { benchmark in
        let rules = fixture.rules
        let inputs = fixture.inputs
        for index in benchmark.scaledIterations {
            let input = inputs[index % inputs.count]
            blackHole(rules.route(context: input.context, channelData: input.channelData))
        }
    }
}
