import Foundation
import Hummingbird
import Logging
import ProcessRuntime
import Prometheus
import ServiceLifecycle
import Storage
import SwitchboardCore
import Wire

/// An adapter process's parts around its `ChannelAdapter`: outbox, forwarder, HTTP server.
/// The same for every channel type; only the adapter differs.
public struct AdapterProcess<Link: ForwardingLink> {
    public let process: String
    public let store: OutboxStore
    public let forwarder: Forwarder<Link>
    /// Sends agent replies to the provider (M1); nil for an adapter without a sender.
    public let replies: ReplyDispatcher?
    public let router: Router<BasicRequestContext>
    /// WebSocket upgrades on the HTTP address; nil for webhook-only adapters.
    public let webSocket: WebSocketUpgrade?
    public let address: HTTPAddress

    /// Opens the outbox in `<dataDirectory>/ingress-<type>/` and wires the parts. Nothing runs yet.
    /// `commits`: where the outboxes' group commits run (the process's event loop).
    public init(
        adapter: any ChannelAdapter, configuration: SwitchboardConfiguration, dataDirectory: String?, httpOverride: String?,
        link: Link, ids: MessageIDGenerator, registry: PrometheusCollectorRegistry,
        replySender: (any ProviderReplySender)? = nil, replySettings: ReplyDispatcher.Settings = .init(),
        forwarding: Forwarder<Link>.Settings = .init(), commits: CommitSchedule? = nil, logger: Logger
    ) throws(IngressError) {
        let process = "ingress-\(adapter.channelType.rawValue)"
        self.process = process
        address = try IngressConfiguration.httpAddress(for: adapter.channelType, in: configuration, override: httpOverride)
        let directory: DataDirectory
        do {
            directory = try DataDirectory(path: dataDirectory ?? configuration.system.dataDirectory, process: process)
            store = try OutboxStore(directory: directory, commits: commits)
        } catch {
            throw IngressError(code: .storeFailed, message: "cannot open the outbox", cause: error)
        }
        let metrics = IngressMetrics(channelType: adapter.channelType)
        let stored = OutboxSignal()
        let recorder = InboundRecorder(store: store, ids: ids, metrics: metrics, stored: stored)
        var intake: ReplyIntake?
        if let replySender {
            let replyStore: ReplyOutboxStore
            do {
                replyStore = try ReplyOutboxStore(directory: directory, commits: commits)
            } catch {
                throw IngressError(code: .storeFailed, message: "cannot open the reply outbox", cause: error)
            }
            let replyMetrics = ReplyMetrics(channelType: adapter.channelType)
            let replyStored = WakeSignal()
            let channels = Set(configuration.channels.filter { $0.type == adapter.channelType }.map(\.id))
            intake = ReplyIntake(
                store: replyStore, channelType: adapter.channelType, channels: channels, ids: ids, stored: replyStored,
                metrics: replyMetrics, logger: logger)
            replies = ReplyDispatcher(
                store: replyStore, sender: replySender, stored: replyStored, metrics: replyMetrics, settings: replySettings,
                logger: logger)
        } else {
            replies = nil
        }
        forwarder = Forwarder(
            link: link, store: store, stored: stored, replies: intake, metrics: metrics, settings: forwarding, logger: logger)
        webSocket = (adapter as? any WebSocketChannelAdapter)?.webSocketUpgrade(
            WebSocketAdapterParts(recorder: recorder, metrics: metrics, replies: replies, logger: logger))
        let endpoints = IngressEndpoints(adapter: adapter, recorder: recorder, metrics: metrics, logger: logger)
        router = IngressHTTPServer.router(endpoints: endpoints, process: process, registry: registry) { [store, link] in
            await Self.health(store: store, link: link)
        }
    }

    /// Healthy while the outbox can be read: a router outage is reported, not fatal, since
    /// the adapter keeps accepting into the outbox (store-and-forward).
    static func health(store: OutboxStore, link: Link) async -> HealthReport {
        let linkState = await link.isPeerAlive ? "up" : "down"
        do {
            let pending = try await store.pendingCount()
            return HealthReport(healthy: true, checks: ["router.link": linkState, "outbox.pending": "\(pending)"])
        } catch {
            return HealthReport(healthy: false, checks: ["router.link": linkState, "outbox": "unreadable"])
        }
    }

    /// Forwarder first, HTTP last: the group stops them in reverse order, so the server
    /// stops accepting before the forwarder closes the link.
    public func services(logger: Logger) -> [any Service] {
        let dispatcher: [any Service] = replies.map { [$0] } ?? []
        return [forwarder] + dispatcher
            + [IngressHTTPServer.application(router: router, address: address, process: process, webSocket: webSocket, logger: logger)]
    }
}
