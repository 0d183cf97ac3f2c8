import ArgumentParser
import Ingress
import ProcessRuntime

/// The X (Twitter) Account Activity adapter (docs/channels/twitter.md): CRC checks answered,
/// signed DM events into the outbox, forwarded to the router until acknowledged; agent
/// replies sent as DMs.
@main
struct IngressTwitter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress-twitter", abstract: "Switchboard's X (Twitter) Account Activity adapter (docs/channels/twitter.md).")

    @OptionGroup var common: ProcessOptions

    @Option(name: .long, help: ArgumentHelp("HTTP listen address; overrides processes.ingress.twitter.http.", valueName: "host:port"))
    var http: String?

    @Option(name: .long, help: ArgumentHelp("The router's ingress endpoint; overrides processes.router.ingressEndpoint.", valueName: "endpoint"))
    var routerEndpoint: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "ingress-twitter", format: common.logFormat, level: common.logLevel)
        let registry = ProcessMetrics.bootstrap()
        try await AdapterProcessRunner.run(
            channelType: .twitter, options: common, httpOverride: http, routerEndpointOverride: routerEndpoint, registry: registry
        ) { configuration, environment throws(IngressError) in
            try TwitterChannelAdapter(configuration: configuration, environment: environment)
        } makeReplySender: { configuration, environment, client throws(IngressError) in
            try XDirectMessageClient(configuration: configuration, environment: environment, client: client)
        }
    }
}
