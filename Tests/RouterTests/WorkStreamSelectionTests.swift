import Foundation
import Testing
import Wire

@testable import Router

/// C2/W1 at run time: the channel instance decides the work stream — two work streams of one
/// channel type, one of them with two channels — and each work stream's own rules route it.
@Suite(.timeLimit(.minutes(1)))
struct WorkStreamSelectionTests {
    static let yaml = """
        version: 1
        system: { dataDir: ./data, operatorSecret: { env: OP } }
        processes:
          router: { ingressEndpoint: "tcp://127.0.0.1:5550", distributorEndpoint: "tcp://127.0.0.1:5551", http: "127.0.0.1:8090" }
          presence: { requestEndpoint: "tcp://127.0.0.1:5560", updatesEndpoint: "tcp://127.0.0.1:5561", http: "127.0.0.1:8091" }
          distributors:
            - { name: distributor-1, queues: [english, spanish, general], http: "127.0.0.1:8092" }
          ingress:
            sms: { http: "127.0.0.1:8081" }
        channels:
          - { id: sms-us, type: sms, workStream: sms-english, phoneNumber: "+15550000001", accountSid: AC00000000000000000000000000000001, authToken: { env: T1 }, publicUrl: "https://x.example/sms/us" }
          - { id: sms-uk, type: sms, workStream: sms-english, phoneNumber: "+445550000002", accountSid: AC00000000000000000000000000000001, authToken: { env: T1 }, publicUrl: "https://x.example/sms/uk" }
          - { id: sms-mx, type: sms, workStream: sms-spanish, phoneNumber: "+525550000003", accountSid: AC00000000000000000000000000000001, authToken: { env: T1 }, publicUrl: "https://x.example/sms/mx" }
        workStreams:
          - name: sms-english
            channelType: sms
            channels: [sms-us, sms-uk]
            capacity: 1
            distribution: push
            allowedPresences: [available]
            routingRules:
              - { name: uk-number, queue: general, condition: { variable: channel.id, op: equals, value: SMS-UK } }
            fallbackQueue: english
          - name: sms-spanish
            channelType: sms
            channels: [sms-mx]
            capacity: 1
            distribution: push
            allowedPresences: [available]
            fallbackQueue: spanish
        queues:
          - { name: english, priority: 1, agents: [ada], assignment: roundRobin }
          - { name: spanish, priority: 1, agents: [ada], assignment: roundRobin }
          - { name: general, priority: 2, agents: [ada], assignment: roundRobin }
        agents:
          - { id: ada, name: Ada, capacity: 1, secret: { env: ADA } }
        """

    @Test(arguments: [
        ("sms-us", "sms-english", "english", nil as String?),
        ("sms-uk", "sms-english", "general", "uk-number" as String?),
        ("sms-mx", "sms-spanish", "spanish", nil as String?),
    ])
    func theChannelInstanceDecidesTheWorkStreamAndItsRules(_ channel: String, _ workStream: String, _ queue: String, _ rule: String?) async throws {
        let harness = try RouterHarness(yaml: Self.yaml)
        do {
            let run = try await harness.start()
            let distributor = try await harness.peer("distributor-1", to: run.endpoints.distributor)
            try await distributor.send(.ready(Ready(distributor: "distributor-1", queues: ["english", "spanish", "general"])))
            _ = try await distributor.next("ReadyAccepted") { $0.readyAccepted }
            let ingress = try await harness.peer("ingress-sms", to: run.endpoints.ingress)
            try await ingress.send(RouterHarness.submit(provider: "SM1", customer: "+15551234567", channel: channel, type: "sms"))
            let (_, deliver) = try await distributor.next("Deliver") { $0.deliver }
            #expect(deliver.workStream == workStream && deliver.queue == queue && deliver.routingRule == rule)
            #expect(deliver.context["channel.id"] == .text(channel))
            await ingress.close()
            await distributor.close()
            try await run.stop()
        } catch {
            await harness.shutDown()
            throw error
        }
        await harness.shutDown()
    }
}
