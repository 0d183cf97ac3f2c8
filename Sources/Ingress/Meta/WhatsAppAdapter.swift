import Foundation
import Logging
import Storage
import SwitchboardCore
import Wire

/// WhatsApp Cloud API (docs/channels/whatsapp.md): Meta's signed webhook. Every customer
/// message of every change of a batched POST is stored; delivery receipts of our own
/// messages (`statuses[]`) go to the `DeliveryStatusStore`, not to the router.
public struct WhatsAppAdapter: ChannelAdapter {
    private let gate: MetaWebhookGate
    /// `apiBaseUrl` by channel id, for media ids without a URL.
    private let apiBaseURLs: [String: HTTPURL]
    private let statuses: DeliveryStatusStore
    private let logger: Logger

    /// `secrets` holds each whatsapp channel's resolved secrets (see `MetaChannelSecrets`).
    public init(
        configuration: SwitchboardConfiguration, secrets: MetaChannelSecrets, statuses: DeliveryStatusStore,
        logger: Logger = Logger(label: "ingress-whatsapp")
    ) {
        var channels: [MetaWebhookGate.Channel] = []
        var apiBaseURLs: [String: HTTPURL] = [:]
        for channel in configuration.channels {
            guard case .whatsapp(let settings) = channel.provider, let secret = secrets.secrets(forChannel: channel.id) else { continue }
            channels.append(MetaWebhookGate.Channel(
                id: channel.id, providerID: settings.phoneNumberId, appSecret: secret.appSecret, verifyToken: secret.verifyToken))
            apiBaseURLs[channel.id] = settings.apiBaseUrl
        }
        gate = MetaWebhookGate(channelType: .whatsapp, channels: channels)
        self.apiBaseURLs = apiBaseURLs
        self.statuses = statuses
        self.logger = logger
    }

    /// Reads every whatsapp channel's secrets from `environment` (a missing one is an error
    /// naming the variable and the channel) and opens the delivery-status store in
    /// `<dataDirectory>/ingress-whatsapp/`, next to the outbox.
    public static func open(
        configuration: SwitchboardConfiguration, environment: [String: String], dataDirectory: String,
        logger: Logger = Logger(label: "ingress-whatsapp")
    ) throws(IngressError) -> WhatsAppAdapter {
        let secrets = try MetaChannelSecrets.whatsapp(configuration, environment: environment)
        let store: DeliveryStatusStore
        do {
            store = try DeliveryStatusStore(directory: DataDirectory(path: dataDirectory, process: "ingress-whatsapp"))
        } catch {
            throw IngressError(code: .storeFailed, message: "cannot open the delivery-status store", cause: error)
        }
        return WhatsAppAdapter(configuration: configuration, secrets: secrets, statuses: store, logger: logger)
    }

    public var channelType: ChannelType { .whatsapp }

    public var routes: [AdapterRoute] { gate.routes }

    public func receive(_ request: RawRequest) async -> AdapterVerdict {
        let payload: WhatsAppPayload
        let numbers: [String: MetaWebhookGate.Channel]
        switch gate.receive(request, as: WhatsAppPayload.self) {
        case .answer(let verdict): return verdict
        case .signed(let decoded, let signed): (payload, numbers) = (decoded, signed)
        }
        let receivedAtMs = Int64((request.receivedAt.timeIntervalSince1970 * 1000).rounded())
        var skips = MetaSkips()
        var messages: [InboundMessage] = []
        var receipts: [DeliveryStatus] = []
        var unknownNumbers: [String] = []
        var anyNumberKnown = false
        for entry in (payload.entry ?? []).decodedValues(counting: &skips, what: "entry") {
            for change in (entry.changes ?? []).decodedValues(counting: &skips, what: "change") {
                guard let value = change.value, change.field == "messages" else {
                    skips.add("change of field \(change.field.map { String($0.prefix(32)) } ?? "(none)")", .routine)
                    continue
                }
                guard let numberID = value.metadata?.phoneNumberID, let channel = numbers[numberID],
                    let apiBaseURL = apiBaseURLs[channel.id]
                else {
                    unknownNumbers.append(String((value.metadata?.phoneNumberID ?? "(none)").prefix(32)))
                    skips.add("change for a phone number id that is not configured here or not signed with its app secret", .unusable)
                    continue
                }
                anyNumberKnown = true
                let target = WhatsAppTarget(
                    channelID: channel.id, phoneNumberID: numberID, displayPhoneNumber: value.metadata?.displayPhoneNumber,
                    apiBaseURL: apiBaseURL)
                messages += value.inboundMessages(for: target, receivedAtMs: receivedAtMs, skips: &skips)
                receipts += value.deliveryStatuses(for: target, receivedAtMs: receivedAtMs, skips: &skips)
            }
        }
        skips.log(to: logger, channelType: .whatsapp)
        if !anyNumberKnown && !unknownNumbers.isEmpty {
            return .reject(IngressRejection(
                .unknownChannel, "no configured whatsapp channel for phone number id \(unknownNumbers.joined(separator: ", "))"))
        }
        // Receipts are durable before the answer, like messages; a retry of the whole POST
        // stores neither twice.
        do {
            let stored = try await statuses.record(receipts)
            if !receipts.isEmpty {
                logger.debug("delivery statuses recorded", metadata: ["received": "\(receipts.count)", "new": "\(stored)"])
            }
        } catch {
            logger.error("cannot store delivery statuses", metadata: ["error": "\(error)"])
            return .respond(.json(.serviceUnavailable, [
                ("status", .string("error")), ("reason", .string("the delivery statuses could not be stored; retry later")),
            ]))
        }
        return messages.isEmpty ? .respond(MetaWebhookAnswer.received) : .store(messages)
    }

    public func answer(_ request: RawRequest, stored: [StoredMessage]) -> AdapterResponse {
        MetaWebhookAnswer.received
    }
}
