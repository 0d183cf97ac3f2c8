import ArgumentParser
import Ingress
import ProcessRuntime

/// The WhatsApp Cloud API adapter. Not implemented yet (channels issue): it serves /healthz and
/// /metrics and answers 501 under /channels/whatsapp/.
@main
struct IngressWhatsApp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress-whatsapp", abstract: "Switchboard's WhatsApp Cloud API adapter (not implemented yet: answers 501).")

    @OptionGroup var common: ProcessOptions

    @Option(name: .long, help: ArgumentHelp("HTTP listen address; overrides processes.ingress.whatsapp.http.", valueName: "host:port"))
    var http: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "ingress-whatsapp", format: common.logFormat, level: common.logLevel)
        let registry = ProcessMetrics.bootstrap()
        try await PlaceholderIngress.run(channelType: .whatsapp, options: common, httpOverride: http, registry: registry)
    }
}
