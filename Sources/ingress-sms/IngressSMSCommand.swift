import ArgumentParser
import Ingress
import ProcessRuntime

/// The SMS adapter (docs/channels/sms.md): Twilio's signed webhooks into the outbox,
/// forwarded to the router until acknowledged; agent replies sent with Twilio's Messages API.
@main
struct IngressSMS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress-sms", abstract: "Switchboard's SMS (Twilio) adapter (docs/channels/sms.md).")

    @OptionGroup var common: ProcessOptions

    @Option(name: .long, help: ArgumentHelp("HTTP listen address; overrides processes.ingress.sms.http.", valueName: "host:port"))
    var http: String?

    @Option(name: .long, help: ArgumentHelp("The router's ingress endpoint; overrides processes.router.ingressEndpoint.", valueName: "endpoint"))
    var routerEndpoint: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "ingress-sms", format: common.logFormat, level: common.logLevel)
        let registry = ProcessMetrics.bootstrap()
        try await AdapterProcessRunner.run(
            channelType: .sms, options: common, httpOverride: http, routerEndpointOverride: routerEndpoint, registry: registry
        ) { configuration, environment throws(IngressError) in
            try SMSChannelAdapter(configuration: configuration, environment: environment)
        } makeReplySender: { configuration, environment, client throws(IngressError) in
            try TwilioMessagesClient(configuration: configuration, environment: environment, client: client)
        }
    }
}
