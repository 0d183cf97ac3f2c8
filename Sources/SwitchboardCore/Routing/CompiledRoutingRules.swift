/// One work stream's routing rules (spec W3), compiled once at load.
///
/// `route(context:channelData:)` resolves a conversation's values into slots and evaluates the
/// rules top down; the first rule whose condition holds wins, and no match sends the
/// conversation to the fallback queue.
public struct CompiledRoutingRules: Sendable {
    struct Rule: Sendable {
        let name: String
        let queue: String
        let condition: CompiledCondition
    }

    public let workStream: String
    public let fallbackQueue: String
    public let layout: RoutingContextLayout
    let rules: [Rule]

    public init(workStream: WorkStream) {
        let layout = RoutingContextLayout(workStream: workStream)
        self.workStream = workStream.name
        self.fallbackQueue = workStream.fallbackQueue
        self.layout = layout
        self.rules = workStream.routingRules.map {
            Rule(name: $0.name, queue: $0.queue, condition: CompiledCondition($0.condition, layout: layout))
        }
    }

    /// Evaluates the rules against an already resolved context.
    public func evaluate(_ context: RoutingContext) -> RoutingDecision {
        for rule in rules where rule.condition.holds(in: context) {
            return RoutingDecision(queue: rule.queue, ruleName: rule.name)
        }
        return RoutingDecision(queue: fallbackQueue, ruleName: nil)
    }

    /// Resolves the values (W2) and evaluates the rules (W3).
    public func route(context: [String: RoutingValue], channelData: [String: String]) -> RoutingResult {
        let resolved = layout.makeContext(context: context, channelData: channelData)
        return RoutingResult(decision: evaluate(resolved), context: resolved)
    }
}
