import SwitchboardTestSupport
import Testing

@testable import ZeroMQ

@Suite("Concurrent senders")
struct ConcurrentSendTests {
    @Test("16 tasks × 1000 sends on one socket all arrive exactly once", arguments: [Transport.inproc, .tcp])
    func manySenders(transport: Transport) async throws {
        try await withEventLoop(timeout: .seconds(20)) { loop in
            let tasks = 16
            let perTask = 1000
            let (router, endpoint) = try await makeBound(.router, on: loop, transport: transport)
            let dealer = try await loop.makeSocket(.dealer) {
                try $0.setRoutingID("ingress")
                try $0.connect(endpoint)
            }
            let receiver = Task {
                var seen: [String: Int] = [:]
                var count = 0
                for try await message in router.messages {
                    // [routing id, task, index]
                    #expect(message.strings[0] == "ingress")
                    seen["\(message.strings[1])/\(message.strings[2])", default: 0] += 1
                    count += 1
                    if count == tasks * perTask { break }
                }
                return seen
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        for index in 0..<perTask {
                            try await dealer.send(Multipart(strings: "\(task)", "\(index)"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let seen = try await withTimeout(.seconds(15), "all messages") { try await receiver.value }
            #expect(seen.count == tasks * perTask)
            #expect(seen.values.allSatisfy { $0 == 1 })
            #expect(seen["15/999"] == 1 && seen["0/0"] == 1)
            await dealer.close()
            await router.close()
        }
    }

    @Test("messages of one sending task keep their order")
    func perTaskOrder() async throws {
        try await withEventLoop { loop in
            let (pull, endpoint) = try await makeBound(.pull, on: loop, transport: .inproc)
            let push = try await loop.makeSocket(.push) { try $0.connect(endpoint) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<4 {
                    group.addTask {
                        for index in 0..<500 { try await push.send(Multipart(strings: "\(task)", "\(index)")) }
                    }
                }
                try await group.waitForAll()
            }
            var last: [String: Int] = [:]
            var count = 0
            var ordered = true
            for try await message in pull.messages {
                let index = Int(message.strings[1]) ?? -1
                if index != (last[message.strings[0]] ?? -1) + 1 { ordered = false }
                last[message.strings[0]] = index
                count += 1
                if count == 2000 { break }
            }
            #expect(ordered)
            #expect(last == ["0": 499, "1": 499, "2": 499, "3": 499])
            await push.close()
            await pull.close()
        }
    }
}
