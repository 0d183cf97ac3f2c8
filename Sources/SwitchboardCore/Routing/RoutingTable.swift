/// Compiled rules of every work stream of a configuration.
public struct RoutingTable: Sendable {
    private let byWorkStream: [String: CompiledRoutingRules]

    public init(configuration: SwitchboardConfiguration) {
        var table: [String: CompiledRoutingRules] = [:]
        for workStream in configuration.workStreams {
            table[workStream.name] = CompiledRoutingRules(workStream: workStream)
        }
        byWorkStream = table
    }

    public func rules(forWorkStream name: String) -> CompiledRoutingRules? { byWorkStream[name] }
}
