import Yams

extension ConfigurationDecoder {
    static let commonChannelFields = ["id", "type", "workStream"]

    /// The provider fields each channel type takes (channels.md).
    static func providerFields(of type: ChannelType) -> [String] {
        switch type {
        case .chat: ["title", "allowedOrigins"]
        case .sms: ["phoneNumber", "accountSid", "authToken", "publicUrl", "apiBaseUrl"]
        case .facebook: ["pageId", "appSecret", "verifyToken", "pageAccessToken", "apiBaseUrl"]
        case .whatsapp: ["phoneNumberId", "appSecret", "verifyToken", "accessToken", "apiBaseUrl"]
        case .twitter: ["accountId", "consumerSecret", "accessToken", "apiBaseUrl"]
        case .custom: ["sharedSecret", "callbackUrl"]
        }
    }

    func decodeChannels(_ field: Field?) -> [Located<ChannelInstance>] {
        var result: [Located<ChannelInstance>] = []
        let everyField = Self.commonChannelFields + Set(ChannelType.allCases.flatMap(Self.providerFields)).sorted()
        for item in list(field, nonEmpty: true, what: "channel") ?? [] {
            // The type decides which fields are allowed, so read it before the rest.
            let type = channelType(item)
            let allowed = type.map { Self.commonChannelFields + Self.providerFields(of: $0) } ?? everyField
            let fields = mapping(item, allowed: allowed) { name in
                guard let type, everyField.contains(name) else {
                    return "unknown field '\(name)'; expected one of: \(allowed.joined(separator: ", "))"
                }
                return "field '\(name)' does not apply to \(type.rawValue) channels; they take: \(Self.providerFields(of: type).joined(separator: ", "))"
            }
            guard let fields else { continue }
            let id = identifier(fields.required("id"))
            let workStream = identifier(fields.required("workStream"))
            guard let id else { continue }
            // An unusable type still declares the id, so references to it do not cascade;
            // the validator skips type checks for it (the type path is marked failed).
            let provider = type.flatMap { decodeProvider($0, fields) } ?? .chat(ChatChannelSettings(title: nil, allowedOrigins: []))
            result.append(Located(path: item.path, value: ChannelInstance(id: id, workStream: workStream ?? "", provider: provider)))
        }
        return result
    }

    /// The channel's `type`, reported here (once) if missing or unsupported.
    private func channelType(_ item: Field) -> ChannelType? {
        guard case .mapping(let mapping) = item.node else { return nil }
        guard let node = mapping["type"], !Self.isNull(node) else {
            error(item.path.field("type"), line: item.line, "is required")
            return nil
        }
        let field = Field(node: node, path: item.path.field("type"))
        record(field)
        if case .scalar(let scalar) = node, ChannelType.notYetSupported.contains(scalar.string) {
            error(field, "channel type '\(scalar.string)' is not supported yet; supported: \(ChannelType.allowedValues)")
            return nil
        }
        return enumeration(field, ChannelType.self)
    }

    private func decodeProvider(_ type: ChannelType, _ fields: MappingFields) -> ChannelProviderSettings? {
        func digits(_ key: String, _ what: String) -> String? {
            guard let field = fields.required(key), let value = text(field) else { return nil }
            guard ConfigurationSyntax.isDigits(value) else {
                error(field, "must be the numeric \(what), got '\(value)'")
                return nil
            }
            return value
        }
        func apiBase(_ fallback: HTTPURL) -> HTTPURL? {
            fields.optional("apiBaseUrl").map(url) ?? fallback
        }
        let placeholderSecret = SecretReference(environmentVariable: "")
        switch type {
        case .chat:
            let title = fields.optional("title").flatMap(text)
            var origins: [HTTPURL] = []
            for item in list(fields.optional("allowedOrigins")) ?? [] {
                guard let origin = url(item) else { continue }
                if origin.string.dropFirst(origin.scheme.count + 3).contains("/") {
                    error(item, "must be an origin (scheme://host[:port]) without a path, got '\(origin.string)'")
                }
                origins.append(origin)
            }
            return .chat(ChatChannelSettings(title: title, allowedOrigins: origins))
        case .sms:
            let numberField = fields.required("phoneNumber")
            var number = text(numberField)
            if let value = number, let numberField, !ConfigurationSyntax.isE164(value) {
                error(numberField, "must be an E.164 phone number like +15550002222, got '\(value)'")
                number = nil
            }
            let sidField = fields.required("accountSid")
            let sid = text(sidField)
            if let sid, let sidField, !ConfigurationSyntax.isTwilioAccountSid(sid) {
                error(sidField, "must be a Twilio account SID ('AC' and 32 hexadecimal digits), got '\(sid)'")
            }
            let token = secret(fields.required("authToken"))
            let publicUrl = url(fields.required("publicUrl"))
            let base = apiBase(SMSChannelSettings.defaultAPIBaseURL) ?? SMSChannelSettings.defaultAPIBaseURL
            return .sms(SMSChannelSettings(
                phoneNumber: number ?? "", accountSid: sid ?? "", authToken: token ?? placeholderSecret,
                publicUrl: publicUrl ?? base, apiBaseUrl: base
            ))
        case .facebook:
            let page = digits("pageId", "Facebook page id")
            let appSecret = secret(fields.required("appSecret"))
            let verify = secret(fields.required("verifyToken"))
            let access = secret(fields.required("pageAccessToken"))
            let base = apiBase(FacebookChannelSettings.defaultAPIBaseURL) ?? FacebookChannelSettings.defaultAPIBaseURL
            return .facebook(FacebookChannelSettings(
                pageId: page ?? "", appSecret: appSecret ?? placeholderSecret, verifyToken: verify ?? placeholderSecret,
                pageAccessToken: access ?? placeholderSecret, apiBaseUrl: base
            ))
        case .whatsapp:
            let number = digits("phoneNumberId", "WhatsApp phone number id")
            let appSecret = secret(fields.required("appSecret"))
            let verify = secret(fields.required("verifyToken"))
            let access = secret(fields.required("accessToken"))
            let base = apiBase(WhatsAppChannelSettings.defaultAPIBaseURL) ?? WhatsAppChannelSettings.defaultAPIBaseURL
            return .whatsapp(WhatsAppChannelSettings(
                phoneNumberId: number ?? "", appSecret: appSecret ?? placeholderSecret, verifyToken: verify ?? placeholderSecret,
                accessToken: access ?? placeholderSecret, apiBaseUrl: base
            ))
        case .twitter:
            let account = digits("accountId", "X user id of the account")
            let consumer = secret(fields.required("consumerSecret"))
            let access = secret(fields.required("accessToken"))
            let base = apiBase(TwitterChannelSettings.defaultAPIBaseURL) ?? TwitterChannelSettings.defaultAPIBaseURL
            return .twitter(TwitterChannelSettings(
                accountId: account ?? "", consumerSecret: consumer ?? placeholderSecret,
                accessToken: access ?? placeholderSecret, apiBaseUrl: base
            ))
        case .custom:
            let shared = secret(fields.required("sharedSecret"))
            let callback = url(fields.required("callbackUrl"))
            return .custom(CustomChannelSettings(
                sharedSecret: shared ?? placeholderSecret, callbackUrl: callback ?? SMSChannelSettings.defaultAPIBaseURL
            ))
        }
    }
}
