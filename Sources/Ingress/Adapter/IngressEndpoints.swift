import Foundation
import Hummingbird
import Logging
import Wire

/// The shared webhook pipeline around a `ChannelAdapter`: read the raw body within the
/// route's limit, let the adapter verify and parse, store in the outbox (the answer waits
/// for the commit), answer. Every rejection is logged with its reason and counted.
public struct IngressEndpoints: Sendable {
    let adapter: any ChannelAdapter
    /// Nil for adapters that never store (the not-yet-implemented ones).
    let recorder: InboundRecorder?
    let metrics: IngressMetrics
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        adapter: any ChannelAdapter, recorder: InboundRecorder?, metrics: IngressMetrics, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.adapter = adapter
        self.recorder = recorder
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    public func register(on router: Router<BasicRequestContext>) {
        for route in adapter.routes {
            let names = route.path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
            router.on(RouterPath(route.path), method: route.method) { request, context -> Response in
                var parameters: [String: String] = [:]
                for name in names { parameters[name] = context.parameters.get(name) }
                return await handle(request, route: route, parameters: parameters).hummingbird
            }
        }
    }

    func handle(_ request: Request, route: AdapterRoute, parameters: [String: String]) async -> AdapterResponse {
        let body: [UInt8]
        switch await Self.readBody(request, limit: route.maximumBodyBytes) {
        case .success(let bytes): body = bytes
        case .failure(let rejection): return reject(rejection, uri: request.uri.description)
        }
        let raw = RawRequest(
            method: request.method, uri: request.uri.description, headers: request.headers, parameters: parameters,
            body: body, receivedAt: now())
        switch await adapter.receive(raw) {
        case .respond(let response):
            return response
        case .reject(let rejection):
            return reject(rejection, uri: raw.uri)
        case .store(let messages):
            guard let recorder else {
                return reject(IngressRejection(.notImplemented, "the \(adapter.channelType) channel is not implemented yet"), uri: raw.uri)
            }
            // Stored, a message the router refuses at decode would be resent forever; refused
            // now, the provider hears why (4xx, not retried).
            for message in messages {
                do throws(WireError) {
                    try message.checkReceivable()
                } catch {
                    return reject(.malformed(error.message), uri: raw.uri)
                }
            }
            do {
                let stored = try await recorder.record(messages)
                for message in stored {
                    logger.debug(
                        "inbound message stored",
                        metadata: [
                            "message.id": "\(message.messageID)", "provider.message.id": "\(message.providerMessageID)",
                            "duplicate": "\(message.duplicate)",
                        ])
                }
                return adapter.answer(raw, stored: stored)
            } catch {
                // Not stored: the provider must retry, so a 5xx.
                logger.error("cannot store inbound messages", metadata: ["error": "\(error)", "uri": "\(raw.uri)"])
                return .json(.serviceUnavailable, [("status", .string("error")), ("reason", .string("the message could not be stored; retry later"))])
            }
        }
    }

    private func reject(_ rejection: IngressRejection, uri: String) -> AdapterResponse {
        metrics.rejected(rejection.kind)
        let level: Logger.Level = rejection.kind == .notImplemented ? .info : .warning
        logger.log(
            level: level, "request rejected",
            metadata: ["reason": "\(rejection.kind.rawValue)", "detail": "\(rejection.reason)", "uri": "\(uri)"])
        return .rejection(rejection)
    }

    /// The raw body, refused beyond `limit` bytes without reading the rest.
    static func readBody(_ request: Request, limit: Int) async -> Result<[UInt8], IngressRejection> {
        let tooLarge = IngressRejection(.tooLarge, "body is larger than \(limit) bytes")
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            return .failure(tooLarge)
        }
        var body: [UInt8] = []
        do {
            for try await buffer in request.body {
                guard body.count + buffer.readableBytes <= limit else { return .failure(tooLarge) }
                body.append(contentsOf: buffer.readableBytesView)
            }
        } catch {
            return .failure(.malformed("the request body could not be read"))
        }
        return .success(body)
    }
}
