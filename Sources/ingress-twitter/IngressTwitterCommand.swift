import ArgumentParser
import Ingress
import ProcessRuntime

/// The X (Twitter) Account Activity adapter. Not implemented yet (channels issue): it serves /healthz and
/// /metrics and answers 501 under /channels/twitter/.
@main
struct IngressTwitter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress-twitter", abstract: "Switchboard's X (Twitter) Account Activity adapter (not implemented yet: answers 501).")

    @OptionGroup var common: ProcessOptions

    @Option(name: .long, help: ArgumentHelp("HTTP listen address; overrides processes.ingress.twitter.http.", valueName: "host:port"))
    var http: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "ingress-twitter", format: common.logFormat, level: common.logLevel)
        let registry = ProcessMetrics.bootstrap()
        try await PlaceholderIngress.run(channelType: .twitter, options: common, httpOverride: http, registry: registry)
    }
}
