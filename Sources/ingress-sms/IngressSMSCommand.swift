import ArgumentParser
import Ingress
import ProcessRuntime

/// The SMS (Twilio) adapter. Not implemented yet (channels issue): it serves /healthz and
/// /metrics and answers 501 under /channels/sms/.
@main
struct IngressSMS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingress-sms", abstract: "Switchboard's SMS (Twilio) adapter (not implemented yet: answers 501).")

    @OptionGroup var common: ProcessOptions

    @Option(name: .long, help: ArgumentHelp("HTTP listen address; overrides processes.ingress.sms.http.", valueName: "host:port"))
    var http: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "ingress-sms", format: common.logFormat, level: common.logLevel)
        let registry = ProcessMetrics.bootstrap()
        try await PlaceholderIngress.run(channelType: .sms, options: common, httpOverride: http, registry: registry)
    }
}
