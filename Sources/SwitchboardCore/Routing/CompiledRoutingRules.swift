/// One work stream's routing rules (spec W3), compiled once at load.
///
/// `route(context:channelData:)` resolves a conversation's values into slots and evaluates the
/// rules top down; the first rule whose condition holds wins, and no match sends the
/// conversation to the fallback queue.
public struct CompiledRoutingRules: Sendable {
    struct Rule: Sendable {
        let name: String
        let queue: String
    }

    public let workStream: String
    public let fallbackQueue: String
    public let layout: RoutingContextLayout
    /// The rules' names and queues, in order; `program` evaluates their conditions.
    let rules: [Rule]
    let program: RuleProgram

    public init(workStream: WorkStream) {
        let layout = RoutingContextLayout(workStream: workStream)
        self.workStream = workStream.name
        self.fallbackQueue = workStream.fallbackQueue
        self.layout = layout
        self.rules = workStream.routingRules.map { Rule(name: $0.name, queue: $0.queue) }
        self.program = RuleProgram(conditions: workStream.routingRules.map(\.condition), layout: layout)
    }

    /// Evaluates the rules against an already resolved context.
    public func evaluate(_ context: RoutingContext) -> RoutingDecision {
        // A context built by hand may have fewer slots than the layout: the missing ones are absent.
        let folded = context.folded.slots.count >= program.slotCount
            ? context.folded : FoldedValues(context.values, slotCount: program.slotCount)
        let matched = program.firstMatch(in: folded)
        guard matched < rules.count else { return RoutingDecision(queue: fallbackQueue, ruleName: nil) }
        return RoutingDecision(queue: rules[matched].queue, ruleName: rules[matched].name)
    }

    /// Resolves the values (W2) and evaluates the rules (W3).
    public func route(context: [String: RoutingValue], channelData: [String: String]) -> RoutingResult {
        let resolved = layout.makeContext(context: context, channelData: channelData)
        return RoutingResult(decision: evaluate(resolved), context: resolved)
    }
}
