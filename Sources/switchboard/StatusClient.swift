import AsyncHTTPClient
import Foundation
import ProcessRuntime
import SwitchboardCore

/// Asks every process of a configuration for its `/status` (docs/protocols/operator.md),
/// all at once, each bounded by `timeout`, and merges the answers. A process that does not
/// answer in time is reported, never waited for.
struct StatusClient: Sendable {
    let http: HTTPClient
    let secret: String
    /// Per process: connect, answer and body together.
    let timeoutMilliseconds: Int64

    func collect(_ configuration: SwitchboardConfiguration) async -> OperatorStatus.System {
        let processes = configuration.processes
        async let router = fetch(OperatorStatus.Router.self, process: "router", address: processes.router.http)
        async let presence = fetch(OperatorStatus.Presence.self, process: "presence", address: processes.presence.http)
        let distributors = await withTaskGroup(of: (Int, OperatorStatus.Reply<OperatorStatus.Distributor>).self) { group in
            for (index, distributor) in processes.distributors.enumerated() {
                group.addTask { (index, await fetch(OperatorStatus.Distributor.self, process: distributor.name, address: distributor.http)) }
            }
            var replies: [(Int, OperatorStatus.Reply<OperatorStatus.Distributor>)] = []
            for await reply in group { replies.append(reply) }
            return replies.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return OperatorStatus.System.merging(
            router: await router, distributors: distributors, presence: await presence,
            configuredQueues: configuration.queues.map { ($0.name, $0.priority) })
    }

    func fetch<Document: Decodable & Sendable>(
        _ type: Document.Type, process: String, address: HTTPAddress
    ) async -> OperatorStatus.Reply<Document> {
        let target = Self.reachable(address)
        var request = HTTPClientRequest(url: "http://\(target)/status")
        request.headers.add(name: "Authorization", value: "Bearer \(secret)")
        let outcome: OperatorStatus.Outcome<Document>
        do {
            let response = try await http.execute(request, timeout: .milliseconds(timeoutMilliseconds))
            let body = Data(try await response.body.collect(upTo: 8 << 20).readableBytesView)
            if response.status.code == 200 {
                do {
                    outcome = .answered(try JSONDecoder().decode(Document.self, from: body))
                } catch {
                    outcome = .unreachable("the /status answer is not a \(process) status: \(error)")
                }
            } else {
                outcome = .refused(status: Int(response.status.code), reason: Self.reason(body))
            }
        } catch let error as HTTPClientError where [.deadlineExceeded, .connectTimeout, .readTimeout].contains(error) {
            outcome = .unreachable("no answer within \(timeoutMilliseconds) ms")
        } catch {
            // NIO's wording for a closed port is long ("connection reset (error set): ...").
            outcome = .unreachable("\(error)".contains("Connection refused") ? "connection refused" : "\(error)")
        }
        return OperatorStatus.Reply(process: process, address: "\(target)", outcome: outcome)
    }

    /// A process bound on every interface is asked on loopback.
    static func reachable(_ address: HTTPAddress) -> HTTPAddress {
        switch address.host {
        case "0.0.0.0": HTTPAddress(host: "127.0.0.1", port: address.port)
        case "::": HTTPAddress(host: "::1", port: address.port)
        default: address
        }
    }

    /// The `error` of a JSON error answer, else the body itself.
    static func reason(_ body: Data) -> String {
        struct ErrorAnswer: Decodable { let error: String }
        if let answer = try? JSONDecoder().decode(ErrorAnswer.self, from: body) { return answer.error }
        return String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
