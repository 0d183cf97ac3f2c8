// The 200-rule work stream of RoutingBenchmarks and RoutingProfile, and the conversations
// they route.

import SwitchboardCore

/// The generated configuration, its compiled rules, and the conversations to route.
package struct RoutingFixture: Sendable {
    package struct Input: Sendable {
        package let context: [String: RoutingValue]
        package let channelData: [String: String]
    }

    package let rules: CompiledRoutingRules
    package let inputs: [Input]
    package let contexts: [RoutingContext]

    static let ruleCount = 200
    static let textVariables = [
        "region", "language", "tier", "segment", "product",
        "topic", "channelSource", "deviceOs", "country", "campaign",
    ]
    static let numberVariables = [
        "orderTotal", "loyaltyPoints", "cartItems", "accountAgeDays", "openTickets",
        "satisfactionScore", "lifetimeValue", "waitMinutes", "previousContacts", "riskScore",
    ]
    static let queues = ["vip", "billing", "returns", "tech", "sales", "retention"]

    package static func make() -> RoutingFixture {
        let yaml = configurationYAML()
        let configuration: SwitchboardConfiguration
        switch ConfigurationLoader.load(yaml: yaml, file: "routing-benchmark.yaml") {
        case .success(let loaded): configuration = loaded.configuration
        case .failure(let error): fatalError("the generated benchmark configuration does not load: \(error)")
        }
        guard let workStream = configuration.workStreams.first(where: { $0.name == "benchmark-chat" }) else {
            fatalError("no benchmark-chat work stream")
        }
        precondition(workStream.contextVariables.count == 20 && workStream.routingRules.count == ruleCount)
        let rules = CompiledRoutingRules(workStream: workStream)

        // Eight conversations: six fall back, two match rules 196 and 198 (1-based).
        let fallback = baseContext()
        var lateTier = fallback
        lateTier["tier"] = .text("Tier-195")          // shape 3 of rule index 195 (case-insensitive)
        lateTier["waitMinutes"] = .number(45)
        var lateCampaign = fallback
        lateCampaign["campaign"] = .text("easter-promo-197")  // shape 1 of rule index 197
        let channelData = [
            "channel.id": "web-chat", "channel.type": "chat",
            "customer.address": "visitor-8f3a", "customer.displayName": "Jo Bloggs",
            "customer.locale": "en-GB", "chat.pageUrl": "https://shop.example.test/orders/123",
        ]
        let contextsByName = [fallback, fallback, fallback, lateTier, fallback, fallback, lateCampaign, fallback]
        let inputs = contextsByName.map { Input(context: $0, channelData: channelData) }
        let contexts = inputs.map { rules.layout.makeContext(context: $0.context, channelData: $0.channelData) }

        // The benchmark measures what it claims: every rule is tried, or one of the last few wins.
        let expected: [String?] = [nil, nil, nil, "rule-195", nil, nil, "rule-197", nil]
        for (context, ruleName) in zip(contexts, expected) {
            precondition(context.issues.isEmpty, "unexpected value issues: \(context.issues)")
            let decision = rules.evaluate(context)
            precondition(decision.ruleName == ruleName, "expected \(ruleName ?? "fallback"), got \(decision)")
        }
        return RoutingFixture(rules: rules, inputs: inputs, contexts: contexts)
    }

    /// A conversation that matches none of the 200 rules, although many rules get past
    /// their first test or two before failing.
    static func baseContext() -> [String: RoutingValue] {
        [
            "region": .text("EMEA"), "language": .text("en"), "tier": .text("silver"),
            "segment": .text("retail"), "product": .text("widget-basic"),
            "topic": .text("Where is my order?"), "channelSource": .text("web"),
            "deviceOs": .text("iOS 18.2"), "country": .text("GB"), "campaign": .text("spring-sale"),
            "orderTotal": .number(42.5), "loyaltyPoints": .number(1_200), "cartItems": .number(3),
            "accountAgeDays": .number(400), "openTickets": .number(1), "satisfactionScore": .number(4),
            "lifetimeValue": .number(900), "waitMinutes": .number(5), "previousContacts": .number(2),
            "riskScore": .number(12),
        ]
    }

    /// Rule `i` takes one of four shapes of nested all/any/not over text and number operators.
    static func condition(_ i: Int) -> String {
        switch i % 4 {
        case 0:
            return """
            all:
              - { variable: language, op: equals, value: en }
              - any:
                  - { variable: segment, op: equals, value: segment-\(i) }
                  - { variable: product, op: beginsWith, value: "prod-\(i)-" }
              - { variable: orderTotal, op: between, value: [\(i * 10), \(i * 10 + 500)] }
            """
        case 1:
            return """
            any:
              - all:
                  - { variable: topic, op: contains, value: "keyword \(i)" }
                  - { variable: loyaltyPoints, op: ge, value: \(1000 + i) }
              - all:
                  - { variable: country, op: equals, value: C\(i) }
                  - not: { variable: accountAgeDays, op: lt, value: 30 }
              - { variable: campaign, op: endsWith, value: "-promo-\(i)" }
            """
        case 2:
            return """
            all:
              - not: { variable: riskScore, op: gt, value: 90 }
              - { variable: deviceOs, op: notEquals, value: "os-\(i)" }
              - { variable: region, op: isNotEmpty }
              - any:
                  - { variable: cartItems, op: eq, value: \(1000 + i) }
                  - { variable: openTickets, op: ge, value: \(50 + i) }
                  - { variable: channelSource, op: notContains, value: web }
            """
        default:
            return """
            all:
              - { variable: tier, op: equals, value: tier-\(i) }
              - any:
                  - { variable: satisfactionScore, op: le, value: 2 }
                  - { variable: waitMinutes, op: gt, value: 30 }
              - not: { variable: previousContacts, op: ge, value: 10 }
              - { variable: lifetimeValue, op: ge, value: 500 }
            """
        }
    }

    static func indent(_ text: String, by count: Int) -> String {
        let prefix = String(repeating: " ", count: count)
        return text.split(separator: "\n").map { prefix + $0 }.joined(separator: "\n")
    }

    static func configurationYAML() -> String {
        let variables =
            textVariables.map { "      - { displayName: \($0), name: \($0), type: text }" }
            + numberVariables.map { "      - { displayName: \($0), name: \($0), type: number }" }
        let rules = (0..<ruleCount).map { i in
            "      - name: rule-\(i)\n        queue: \(queues[i % queues.count])\n        condition:\n"
                + indent(condition(i), by: 10)
        }
        let queueList = (queues + ["general"]).joined(separator: ", ")
        let queueDefinitions = (queues + ["general"]).enumerated().map { index, name in
            """
              - name: \(name)
                priority: \(index)
                agents: [ada]
                assignment: roundRobin
            """
        }
        return """
        version: 1
        system:
          operatorSecret: { env: OPERATOR_SECRET }
        processes:
          router:
            ingressEndpoint: tcp://127.0.0.1:5550
            distributorEndpoint: tcp://127.0.0.1:5551
            http: 127.0.0.1:8090
          presence:
            requestEndpoint: tcp://127.0.0.1:5560
            updatesEndpoint: tcp://127.0.0.1:5561
            http: 127.0.0.1:8091
          distributors:
            - name: distributor-1
              queues: [\(queueList)]
              http: 127.0.0.1:8092
          ingress:
            chat: { http: 127.0.0.1:8080 }
        channels:
          - id: web-chat
            type: chat
            workStream: benchmark-chat
        workStreams:
          - name: benchmark-chat
            channelType: chat
            channels: [web-chat]
            capacity: 2
            distribution: push
            allowedPresences: [available, busy]
            contextVariables:
        \(variables.joined(separator: "\n"))
            routingRules:
        \(rules.joined(separator: "\n"))
            fallbackQueue: general
        queues:
        \(queueDefinitions.joined(separator: "\n"))
        agents:
          - id: ada
            name: Ada Lovelace
            capacity: 4
            secret: { env: AGENT_ADA_SECRET }
        """
    }
}
