import Foundation
import Logging
import SwitchboardCore
import Wire

/// Facebook Messenger (docs/channels/facebook.md): Meta's signed webhook; every customer
/// message of every entry of a batched POST is stored, then answered 200.
public struct MessengerAdapter: ChannelAdapter {
    private let gate: MetaWebhookGate
    private let logger: Logger

    /// `secrets` holds each facebook channel's resolved secrets (see `MetaChannelSecrets`).
    public init(configuration: SwitchboardConfiguration, secrets: MetaChannelSecrets, logger: Logger = Logger(label: "ingress-facebook")) {
        var channels: [MetaWebhookGate.Channel] = []
        for channel in configuration.channels {
            guard case .facebook(let settings) = channel.provider, let secret = secrets.secrets(forChannel: channel.id) else { continue }
            channels.append(MetaWebhookGate.Channel(
                id: channel.id, providerID: settings.pageId, appSecret: secret.appSecret, verifyToken: secret.verifyToken))
        }
        gate = MetaWebhookGate(channelType: .facebook, channels: channels)
        self.logger = logger
    }

    /// Reads every facebook channel's secrets from `environment`; a missing one is an error
    /// naming the variable and the channel.
    public init(configuration: SwitchboardConfiguration, environment: [String: String], logger: Logger = Logger(label: "ingress-facebook")) throws(IngressError) {
        self.init(configuration: configuration, secrets: try .facebook(configuration, environment: environment), logger: logger)
    }

    public var channelType: ChannelType { .facebook }

    public var routes: [AdapterRoute] { gate.routes }

    public func receive(_ request: RawRequest) async -> AdapterVerdict {
        let payload: MessengerPayload
        let pages: [String: MetaWebhookGate.Channel]
        switch gate.receive(request, as: MessengerPayload.self) {
        case .answer(let verdict): return verdict
        case .signed(let decoded, let signed): (payload, pages) = (decoded, signed)
        }
        let receivedAtMs = Int64((request.receivedAt.timeIntervalSince1970 * 1000).rounded())
        var skips = MetaSkips()
        var messages: [InboundMessage] = []
        var unknownPages: [String] = []
        var anyPageKnown = false
        for entry in (payload.entry ?? []).decodedValues(counting: &skips, what: "entry") {
            guard let pageID = entry.id, let page = pages[pageID] else {
                unknownPages.append(String((entry.id ?? "(none)").prefix(32)))
                skips.add("entry for a page that is not configured here or not signed with its app secret", .unusable)
                continue
            }
            anyPageKnown = true
            for event in (entry.messaging ?? []).decodedValues(counting: &skips, what: "messaging event") {
                switch event.inboundMessage(pageID: pageID, channelID: page.id, receivedAtMs: receivedAtMs) {
                case .success(let message): messages.append(message)
                case .failure(let skip): skips.add(skip.reason, skip.kind)
                }
            }
        }
        skips.log(to: logger, channelType: .facebook)
        if !anyPageKnown && !unknownPages.isEmpty {
            return .reject(IngressRejection(
                .unknownChannel, "no configured facebook channel for page \(unknownPages.joined(separator: ", "))"))
        }
        return messages.isEmpty ? .respond(MetaWebhookAnswer.received) : .store(messages)
    }

    public func answer(_ request: RawRequest, stored: [StoredMessage]) -> AdapterResponse {
        MetaWebhookAnswer.received
    }
}
