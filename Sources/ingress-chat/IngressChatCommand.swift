import ArgumentParser
import Ingress
import ProcessRuntime

/// The live chat adapter. Not implemented yet (channels issue): it serves /healthz and
/// /metrics and answers 501 under /channels/chat/.
@main
struct IngressChat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress-chat", abstract: "Switchboard's live chat adapter (not implemented yet: answers 501).")

    @OptionGroup var common: ProcessOptions

    @Option(name: .long, help: ArgumentHelp("HTTP listen address; overrides processes.ingress.chat.http.", valueName: "host:port"))
    var http: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "ingress-chat", format: common.logFormat, level: common.logLevel)
        let registry = ProcessMetrics.bootstrap()
        try await PlaceholderIngress.run(channelType: .chat, options: common, httpOverride: http, registry: registry)
    }
}
