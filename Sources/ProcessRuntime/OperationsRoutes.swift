import Hummingbird
import Prometheus

/// What `/healthz` reports: healthy or not, and the state of each part that was checked
/// (e.g. `router.link: "up"`, `journal: "ok"`), so an operator sees *why* without logs.
public struct HealthReport: Sendable, Equatable {
    public var healthy: Bool
    public var checks: [String: String]

    public init(healthy: Bool, checks: [String: String] = [:]) {
        self.healthy = healthy
        self.checks = checks
    }

    /// `{"status":"ok"|"unhealthy","process":...,"checks":{...}}`, keys sorted so the output is stable.
    func json(process: String) -> String {
        let checks = self.checks.sorted { $0.key < $1.key }
            .map { "\(JSONText.quoted($0.key)):\(JSONText.quoted($0.value))" }
            .joined(separator: ",")
        return "{\"status\":\"\(healthy ? "ok" : "unhealthy")\",\"process\":\(JSONText.quoted(process)),\"checks\":{\(checks)}}"
    }
}

extension Router {
    /// Adds the operations endpoints every process serves (spec I4): `GET /healthz`
    /// (200 when healthy, 503 when not, JSON either way) and `GET /metrics` (Prometheus text).
    public func addOperationsRoutes(
        process: String,
        registry: PrometheusCollectorRegistry,
        health: @escaping @Sendable () async -> HealthReport
    ) {
        get("healthz") { _, _ -> Response in
            let report = await health()
            return Response(
                status: report.healthy ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: report.json(process: process) + "\n")))
        }
        get("metrics") { _, _ -> Response in
            var text: [UInt8] = []
            registry.emit(into: &text)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
        }
    }
}
