import ArgumentParser
import Ingress
import ProcessRuntime

/// The Facebook Messenger adapter (docs/channels/facebook.md): Meta's signed webhooks into
/// the outbox, forwarded to the router until acknowledged; agent replies sent with the
/// Send API from the reply outbox.
@main
struct IngressFacebook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress-facebook", abstract: "Switchboard's Facebook Messenger adapter (docs/channels/facebook.md).")

    @OptionGroup var common: ProcessOptions

    @Option(name: .long, help: ArgumentHelp("HTTP listen address; overrides processes.ingress.facebook.http.", valueName: "host:port"))
    var http: String?

    @Option(name: .long, help: ArgumentHelp("The router's ingress endpoint; overrides processes.router.ingressEndpoint.", valueName: "endpoint"))
    var routerEndpoint: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "ingress-facebook", format: common.logFormat, level: common.logLevel)
        let registry = ProcessMetrics.bootstrap()
        try await AdapterProcessRunner.run(
            channelType: .facebook, options: common, httpOverride: http, routerEndpointOverride: routerEndpoint, registry: registry
        ) { configuration, environment throws(IngressError) in
            try MessengerAdapter(configuration: configuration, environment: environment)
        } makeReplySender: { configuration, environment, client throws(IngressError) in
            MessengerSendClient(configuration: configuration, secrets: try .facebook(configuration, environment: environment), http: client)
        }
    }
}
