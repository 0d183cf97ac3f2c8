import ArgumentParser
import Ingress
import ProcessRuntime

/// The Facebook Messenger adapter. Not implemented yet (channels issue): it serves /healthz and
/// /metrics and answers 501 under /channels/facebook/.
@main
struct IngressFacebook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress-facebook", abstract: "Switchboard's Facebook Messenger adapter (not implemented yet: answers 501).")

    @OptionGroup var common: ProcessOptions

    @Option(name: .long, help: ArgumentHelp("HTTP listen address; overrides processes.ingress.facebook.http.", valueName: "host:port"))
    var http: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "ingress-facebook", format: common.logFormat, level: common.logLevel)
        let registry = ProcessMetrics.bootstrap()
        try await PlaceholderIngress.run(channelType: .facebook, options: common, httpOverride: http, registry: registry)
    }
}
