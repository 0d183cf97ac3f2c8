import SwitchboardCore
import Wire

/// The parameters of Twilio's incoming-message webhook that we keep (channels.md). Twilio
/// adds parameters without notice: unknown ones are signed (see `TwilioSignature`) and
/// otherwise ignored.
struct TwilioInboundMessage: Equatable {
    /// Twilio sends at most 10 media per message; anything beyond 20 is not Twilio.
    static let maximumMedia = 20

    var messageSid: String
    var from: String
    var to: String
    var body: String
    var media: [Attachment]
    var fromCountry: String?
    var fromState: String?
    var fromCity: String?

    /// Reads the decoded (and already verified) parameters; the error is the 400's reason.
    static func parse(_ fields: [FormURLEncoded.Field]) -> Result<TwilioInboundMessage, IngressRejection> {
        var values: [String: String] = [:]
        for field in fields where values[field.name] == nil { values[field.name] = field.value }
        func nonEmpty(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }

        guard let messageSid = nonEmpty("MessageSid") else { return .failure(.malformed("MessageSid is required")) }
        guard let from = nonEmpty("From") else { return .failure(.malformed("From is required")) }
        guard let to = nonEmpty("To") else { return .failure(.malformed("To is required")) }
        // Media come as MediaUrl0..N with MediaContentType0..N; NumMedia is their count.
        var media: [Attachment] = []
        for index in 0..<maximumMedia {
            guard let url = nonEmpty("MediaUrl\(index)") else { break }
            media.append(Attachment(url: url, contentType: values["MediaContentType\(index)"] ?? ""))
        }
        return .success(TwilioInboundMessage(
            messageSid: messageSid, from: from, to: to, body: values["Body"] ?? "", media: media,
            fromCountry: nonEmpty("FromCountry"), fromState: nonEmpty("FromState"), fromCity: nonEmpty("FromCity")))
    }

    /// The first `To` of the form, to find the channel before the signature can be checked
    /// (the signature key is the channel's auth token).
    static func recipient(_ fields: [FormURLEncoded.Field]) -> String? {
        fields.first { $0.name == "To" }?.value
    }
}
