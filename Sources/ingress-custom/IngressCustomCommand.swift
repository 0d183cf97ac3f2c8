import ArgumentParser
import Ingress
import ProcessRuntime

/// The custom channel adapter (docs/channels/custom.md): signed JSON webhooks into the
/// outbox, forwarded to the router until acknowledged.
@main
struct IngressCustom: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress-custom", abstract: "Switchboard's custom channel adapter (docs/channels/custom.md).")

    @OptionGroup var common: ProcessOptions

    @Option(name: .long, help: ArgumentHelp("HTTP listen address; overrides processes.ingress.custom.http.", valueName: "host:port"))
    var http: String?

    @Option(name: .long, help: ArgumentHelp("The router's ingress endpoint; overrides processes.router.ingressEndpoint.", valueName: "endpoint"))
    var routerEndpoint: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "ingress-custom", format: common.logFormat, level: common.logLevel)
        let registry = ProcessMetrics.bootstrap()
        try await AdapterProcessRunner.run(
            channelType: .custom, options: common, httpOverride: http, routerEndpointOverride: routerEndpoint, registry: registry
        ) { configuration, environment throws(IngressError) in
            try CustomChannelAdapter(configuration: configuration, environment: environment)
        } makeReplySender: { configuration, environment, client throws(IngressError) in
            CustomReplySender(
                configuration: configuration, secrets: try ChannelSecrets.custom(configuration, environment: environment), client: client)
        }
    }
}
