import Ingress
import SwitchboardCore

/// The optional SMS channel of a generated system (`switchboard chaos` uses it so that more
/// than one adapter type is in use): one Twilio number on `ingress-sms`, its own work stream
/// routing every SMS to the last queue, replies through Twilio's Messages API at `apiBaseURL`.
extension BenchTopology {
    static let smsChannelID = "bench-sms"
    static let smsNumber = "+15550001000"
    static let smsAccountSid = "AC00000000000000000000000000000001"
    static let smsWebhookPath = "/channels/sms/twilio"

    /// Whether conversation `number` arrives as an SMS rather than a custom webhook.
    func arrivesBySMS(_ number: Int) -> Bool {
        guard let sms = shape.sms, sms.every > 0 else { return false }
        return number % sms.every == sms.every - 1
    }

    /// The URL Twilio signs (the channel's `publicUrl`): here, the adapter's own address.
    var smsPublicURL: String? { addresses.smsHTTP.map { "http://\($0)\(Self.smsWebhookPath)" } }

    var smsChannelLines: [String] {
        guard let sms = shape.sms, let publicURL = smsPublicURL else { return [] }
        return [
            "  - id: \(Self.smsChannelID)",
            "    type: sms",
            "    workStream: ws-sms",
            "    phoneNumber: \"\(Self.smsNumber)\"",
            "    accountSid: \(Self.smsAccountSid)",
            "    authToken: { env: \(Self.smsAuthTokenVariable) }",
            "    publicUrl: \(publicURL)",
            "    apiBaseUrl: \(sms.apiBaseURL)",
        ]
    }

    var smsWorkStreamLines: [String] {
        guard shape.sms != nil, let last = queueNames.last else { return [] }
        return [
            "  - name: ws-sms",
            "    channelType: sms",
            "    channels: [\(Self.smsChannelID)]",
            "    capacity: 1",
            "    distribution: push",
            "    allowedPresences: [available, busy]",
            "    wrapUpCapacity: never",
            "    fallbackQueue: \(last)",
        ]
    }

    /// The form fields of conversation `number`'s incoming SMS (docs/channels/sms.md), and
    /// their `X-Twilio-Signature`.
    func smsWebhook(number: Int) -> (body: String, signature: String)? {
        guard let publicURL = smsPublicURL, let url = HTTPURL(publicURL) else { return nil }
        let fields = [
            FormURLEncoded.Field(name: "MessageSid", value: "bench-m-\(number)"),
            FormURLEncoded.Field(name: "AccountSid", value: Self.smsAccountSid),
            FormURLEncoded.Field(name: "From", value: "+1999\(String(100_000_000 + number).suffix(8))"),
            FormURLEncoded.Field(name: "To", value: Self.smsNumber),
            FormURLEncoded.Field(name: "Body", value: ConversationTracker.text(number)),
            FormURLEncoded.Field(name: "NumMedia", value: "0"),
        ]
        let signature = TwilioSignature(authToken: Array(smsAuthToken.utf8), publicURL: url).sign(url: publicURL, parameters: fields)
        return (FormURLEncoded.encode(fields), signature)
    }
}
