import ArgumentParser
import Ingress
import ProcessRuntime

/// The live chat adapter (docs/channels/chat.md): serves each chat channel's widget and its
/// WebSocket, stores visitor messages in the outbox (forwarded to the router until
/// acknowledged) and pushes agent replies to the visitors' sockets.
@main
struct IngressChat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress-chat", abstract: "Switchboard's live chat adapter: the widget, its WebSocket and agent replies (docs/channels/chat.md).")

    @OptionGroup var common: ProcessOptions

    @Option(name: .long, help: ArgumentHelp("HTTP listen address; overrides processes.ingress.chat.http.", valueName: "host:port"))
    var http: String?

    @Option(name: .long, help: ArgumentHelp("The router's ingress endpoint; overrides processes.router.ingressEndpoint.", valueName: "endpoint"))
    var routerEndpoint: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "ingress-chat", format: common.logFormat, level: common.logLevel)
        let registry = ProcessMetrics.bootstrap()
        // The adapter (sockets) and the reply sender share the visitors' sockets and transcripts.
        var hub: ChatHub?
        try await AdapterProcessRunner.run(
            channelType: .chat, options: common, httpOverride: http, routerEndpointOverride: routerEndpoint, registry: registry
        ) { configuration, _ throws(IngressError) in
            let made = try ChatHub(configuration: configuration, dataDirectory: common.dataDir)
            hub = made
            return ChatChannelAdapter(hub: made)
        } makeReplySender: { _, _, _ in
            hub.map { ChatReplySender(hub: $0) }
        }
    }
}
