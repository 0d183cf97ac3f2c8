import Testing
@testable import SwitchboardCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The compiled rule program against a plain interpreter of `Condition` over Strings, on
/// random rules and contexts. Set ROUTING_PROPERTY_SEED to replay a run; the seed is
/// printed first and is part of every failure message.
extension RoutingRulesTests {
    /// Whether a condition holds, read straight off the documented semantics: text compared
    /// after `lowercased()`, an absent or wrong-type value absent (configuration.md).
    static func referenceHolds(_ condition: Condition, _ values: [String: RoutingValue]) -> Bool {
        switch condition {
        case .all(let children): return children.allSatisfy { referenceHolds($0, values) }
        case .any(let children): return children.contains { referenceHolds($0, values) }
        case .not(let child): return !referenceHolds(child, values)
        case .comparison(let comparison):
            var text: String?
            if case .text(let value)? = values[comparison.variable] { text = value.lowercased() }
            var number: Double?
            if case .number(let value)? = values[comparison.variable], value.isFinite { number = value }
            switch (comparison.op, comparison.value) {
            case (.isEmpty, _): return text?.isEmpty ?? true
            case (.isNotEmpty, _): return !(text?.isEmpty ?? true)
            case (.equals, .text(let constant)): return text == constant.lowercased()
            case (.notEquals, .text(let constant)): return text != constant.lowercased()
            case (.contains, .text(let constant)): return text.map { constant.isEmpty || $0.contains(constant.lowercased()) } ?? false
            case (.notContains, .text(let constant)): return !(text.map { constant.isEmpty || $0.contains(constant.lowercased()) } ?? false)
            case (.beginsWith, .text(let constant)): return text?.hasPrefix(constant.lowercased()) ?? false
            case (.endsWith, .text(let constant)): return text?.hasSuffix(constant.lowercased()) ?? false
            case (.eq, .number(let constant)): return number == constant
            case (.ne, .number(let constant)): return number != constant
            case (.lt, .number(let constant)): return number.map { $0 < constant } ?? false
            case (.le, .number(let constant)): return number.map { $0 <= constant } ?? false
            case (.gt, .number(let constant)): return number.map { $0 > constant } ?? false
            case (.ge, .number(let constant)): return number.map { $0 >= constant } ?? false
            case (.between, .range(let range)): return number.map(range.contains) ?? false
            default: return false
            }
        }
    }

    /// Random rules and values over a small alphabet, so that equal texts, prefixes and
    /// numbers come up often. Upper and lower case, 2-, 3- and 4-byte UTF-8; no combining
    /// marks (where String's grapheme-cluster matching and the documented scalar matching differ).
    struct RandomRouting {
        static let alphabet: [String] = ["a", "b", "A", "B", "é", "É", "ß", "ẞ", "ö", "Ö", "-", " ", "日", "🙂"]
        static let numbers: [Double] = [-1, 0, 1, 2, 2.5, 3]
        static let textVariables = ["tier", "topic", "chat.pageUrl", "customer.locale"]
        static let numberVariables = ["total", "score"]

        var rng: SplitMix64  // DistributionPropertyTests.swift

        static func workStream(_ conditions: [Condition]) -> WorkStream {
            WorkStream(
                name: "random", channelType: .chat, channels: ["web-chat"], capacity: 1, persistentChat: false,
                autoCloseAfterInactivity: nil, distribution: .push, allowedPresences: [.available],
                selectFromPush: false, agentAffinity: false, wrapUpCapacity: .always,
                contextVariables: [
                    ContextVariable(displayName: "Tier", name: "tier", type: .text, nameIsDerived: false),
                    ContextVariable(displayName: "Topic", name: "topic", type: .text, nameIsDerived: false),
                    ContextVariable(displayName: "Total", name: "total", type: .number, nameIsDerived: false),
                    ContextVariable(displayName: "Score", name: "score", type: .number, nameIsDerived: false),
                ],
                routingRules: conditions.enumerated().map { RoutingRule(name: "rule-\($0.offset)", condition: $0.element, queue: "q\($0.offset)") },
                fallbackQueue: "fallback")
        }

        mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

        mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

        mutating func text(maxLength: Int) -> String {
            (0..<Int.random(in: 0...maxLength, using: &rng)).map { _ in pick(Self.alphabet) }.joined()
        }

        mutating func comparison() -> Condition {
            let textual = chance(60)
            let variable = textual ? pick(Self.textVariables) : pick(Self.numberVariables)
            let op = pick(ComparisonOperator.operators(for: textual ? .text : .number))
            let value: ComparisonValue
            switch op {
            case .isEmpty, .isNotEmpty: value = .none
            case .between:
                let bounds = [pick(Self.numbers), pick(Self.numbers)].sorted()
                value = .range(bounds[0]...bounds[1])
            default: value = textual ? .text(text(maxLength: 3)) : .number(pick(Self.numbers))
            }
            return .comparison(Comparison(
                variable: variable, variableType: textual ? .text : .number, isChannelData: variable.contains("."),
                op: op, value: value))
        }

        mutating func condition(depth: Int) -> Condition {
            guard depth > 0, !chance(35) else { return comparison() }
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: return .all((0..<Int.random(in: 1...3, using: &rng)).map { _ in condition(depth: depth - 1) })
            case 1: return .any((0..<Int.random(in: 1...3, using: &rng)).map { _ in condition(depth: depth - 1) })
            default: return .not(condition(depth: depth - 1))
            }
        }

        /// Declared values: absent, of the wrong type, or right; channel data: absent or text.
        mutating func values() -> (context: [String: RoutingValue], channelData: [String: String]) {
            var context: [String: RoutingValue] = [:]
            for name in ["tier", "topic", "total", "score"] where !chance(20) {
                let wrongType = chance(10)
                let asText = (name == "tier" || name == "topic") != wrongType
                context[name] = asText ? .text(text(maxLength: 5)) : .number(pick(Self.numbers))
            }
            var channelData: [String: String] = [:]
            for name in ["chat.pageUrl", "customer.locale"] where !chance(30) {
                channelData[name] = text(maxLength: 5)
            }
            return (context, channelData)
        }
    }

    static func propertySeed() -> UInt64 {
        if let text = getenv("ROUTING_PROPERTY_SEED").map({ String(cString: $0) }), let seed = UInt64(text) {
            return seed
        }
        var system = SystemRandomNumberGenerator()
        return system.next()
    }

    @Test func compiledRulesAgreeWithAReferenceInterpreterOnRandomRulesAndContexts() {
        Self.checkAgainstTheReference(ruleSets: 500, ruleCounts: 0...5, depth: 4)
    }

    /// More than 64 rules: guard bits over several words, and many rules sharing comparisons.
    @Test func largeRuleSetsAgreeWithAReferenceInterpreter() {
        Self.checkAgainstTheReference(ruleSets: 40, ruleCounts: 60...150, depth: 3)
    }

    static func checkAgainstTheReference(ruleSets: Int, ruleCounts: ClosedRange<Int>, depth: Int) {
        let seed = Self.propertySeed()
        print("RoutingRulesTests property seed \(seed) (replay: ROUTING_PROPERTY_SEED=\(seed))")
        var random = RandomRouting(rng: SplitMix64(seed: seed))
        var checked = 0
        for _ in 0..<ruleSets {
            let conditions = (0..<Int.random(in: ruleCounts, using: &random.rng)).map { _ in random.condition(depth: depth) }
            let rules = CompiledRoutingRules(workStream: RandomRouting.workStream(conditions))
            for _ in 0..<10 {
                let (context, channelData) = random.values()
                var all = context
                for (name, text) in channelData { all[name] = .text(text) }
                let expected = conditions.firstIndex { Self.referenceHolds($0, all) }
                let decision = rules.route(context: context, channelData: channelData).decision
                let matched = decision.ruleName.flatMap { name in Int(name.dropFirst("rule-".count)) }
                // A context built by hand keeps wrong-type values in their slots: still absent.
                let byHand = rules.evaluate(RoutingContext(values: rules.layout.slots.map { all[$0.name] }))
                // Every rule that holds, not only the first, gets past its guard.
                let resolved = rules.layout.makeContext(context: context, channelData: channelData)
                let candidates = Set(rules.program.candidates(in: resolved.folded))
                let stopped = conditions.indices.filter { !candidates.contains($0) && Self.referenceHolds(conditions[$0], all) }
                guard matched == expected, byHand == decision, stopped.isEmpty else {
                    Issue.record("""
                        seed \(seed) (ROUTING_PROPERTY_SEED=\(seed)): compiled rules chose \(decision) (by hand: \(byHand)), \
                        the reference \(expected.map { "rule-\($0)" } ?? "the fallback"); guards stopped rules that hold: \(stopped)
                        rules: \(conditions)
                        context: \(context) channel data: \(channelData)
                        """)
                    return
                }
                checked += 1
            }
        }
        #expect(checked == ruleSets * 10)
    }
}
