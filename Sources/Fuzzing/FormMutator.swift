import Ingress

/// Twilio's `application/x-www-form-urlencoded` bodies, edited field by field (the form
/// counterpart of `JSONMutator`): fields dropped, repeated or given odd values, media
/// counts that lie. The result is a well-formed form, so it can be signed correctly.
enum FormMutator {
    static func mutate(_ body: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        guard case .success(var fields) = FormURLEncoded.decode(body), !fields.isEmpty else { return body }
        for _ in 0...random.index(3) {
            let index = random.index(fields.count)
            switch random.index(9) {
            case 0: fields.remove(at: index)
            case 1: fields.append(fields[index])
            case 2: fields[index].value = random.pick(JSONMutator.strings)
            case 3: fields[index].value = random.pick(JSONMutator.numbers)
            case 4:
                // Long values, now and then very long (each one is percent-encoded, signed and stored).
                let count = random.index(random.chance(1, in: 10) ? 20_000 : 500)
                fields[index].value = String(repeating: random.pick(["x", "é", "\u{1F4E6}"]), count: count)
            case 5: fields[index].name = random.pick(["", fields[index].name.lowercased(), fields[index].name + " ", "MediaUrl0"])
            case 6:
                // A media count that promises more (or fewer) media than the fields carry.
                fields.removeAll { $0.name == "NumMedia" }
                fields.append(FormURLEncoded.Field(name: "NumMedia", value: random.pick(["1", "3", "10", "-1", "x", "99999999999"])))
                if random.chance(1, in: 2) {
                    fields.append(FormURLEncoded.Field(name: "MediaUrl0", value: random.pick(["https://api.twilio.com/m/1", "ftp://x", "", "not a url"])))
                    fields.append(FormURLEncoded.Field(name: "MediaContentType0", value: random.pick(["image/jpeg", "", "\u{0}"])))
                }
            case 7: fields.shuffle(using: &random)
            default: fields[index].value = random.token()
            }
            if fields.isEmpty { break }
        }
        return Array(FormURLEncoded.encode(fields).utf8)
    }
}
