import ArgumentParser
import Ingress
import ProcessRuntime

/// The WhatsApp Cloud API adapter (docs/channels/whatsapp.md): Meta's signed webhooks into
/// the outbox, forwarded to the router until acknowledged; delivery statuses of our own
/// messages into `delivery-statuses.sqlite` next to the outbox; agent replies sent with the
/// Cloud API from the reply outbox.
@main
struct IngressWhatsApp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress-whatsapp", abstract: "Switchboard's WhatsApp Cloud API adapter (docs/channels/whatsapp.md).")

    @OptionGroup var common: ProcessOptions

    @Option(name: .long, help: ArgumentHelp("HTTP listen address; overrides processes.ingress.whatsapp.http.", valueName: "host:port"))
    var http: String?

    @Option(name: .long, help: ArgumentHelp("The router's ingress endpoint; overrides processes.router.ingressEndpoint.", valueName: "endpoint"))
    var routerEndpoint: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "ingress-whatsapp", format: common.logFormat, level: common.logLevel)
        let registry = ProcessMetrics.bootstrap()
        let dataDir = common.dataDir
        try await AdapterProcessRunner.run(
            channelType: .whatsapp, options: common, httpOverride: http, routerEndpointOverride: routerEndpoint, registry: registry
        ) { configuration, environment throws(IngressError) in
            try WhatsAppAdapter.open(
                configuration: configuration, environment: environment,
                dataDirectory: dataDir ?? configuration.system.dataDirectory)
        } makeReplySender: { configuration, environment, client throws(IngressError) in
            WhatsAppSendClient(configuration: configuration, secrets: try .whatsapp(configuration, environment: environment), http: client)
        }
    }
}
