extension SwitchboardConfiguration {
    /// Every secret the configuration names, once each, in file order: what an operator must
    /// set in the environment (and what `switchboard up --demo` fills in when unset).
    public var secretReferences: [SecretReference] {
        var references = [system.operatorSecret]
        for channel in channels {
            switch channel.provider {
            case .chat: break
            case .sms(let settings): references.append(settings.authToken)
            case .facebook(let settings):
                references += [settings.appSecret, settings.verifyToken, settings.pageAccessToken]
            case .whatsapp(let settings):
                references += [settings.appSecret, settings.verifyToken, settings.accessToken]
            case .twitter(let settings): references += [settings.consumerSecret, settings.accessToken]
            case .custom(let settings): references.append(settings.sharedSecret)
            }
        }
        references += agents.map(\.secret)
        var seen: Set<String> = []
        return references.filter { seen.insert($0.environmentVariable).inserted }
    }
}
