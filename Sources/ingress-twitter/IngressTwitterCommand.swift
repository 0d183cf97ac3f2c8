import ArgumentParser
import Ingress
import ProcessRuntime

/// The X (Twitter) Account Activity adapter (docs/channels/twitter.md): CRC checks answered,
/// signed DM events into the outbox, forwarded to the router until acknowledged.
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
            // The access token is only used to send replies, but a process that could not
            // reply must not start either.
            _ = try ChannelSecrets.twitterAccessTokens(configuration, environment: environment)
            return try TwitterChannelAdapter(configuration: configuration, environment: environment)
        }
    }
}
