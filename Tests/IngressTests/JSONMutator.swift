import Foundation
import SwitchboardTestSupport

/// Valid JSON of the wrong shape: what reaches a payload decoder once signed (the byte-level
/// breakage is `BodyMutator`'s).
enum JSONMutator {
    /// The same JSON with one to three values replaced by values of other types, removed, or
    /// arrays duplicated; still valid JSON.
    static func mutate(_ body: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        guard var root = try? JSONSerialization.jsonObject(with: Data(body)) else { return body }
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            root = mutate(root, depth: 0, &random)
        }
        guard let data = try? JSONSerialization.data(withJSONObject: root, options: [.fragmentsAllowed]) else { return body }
        return Array(data)
    }

    private static func mutate(_ value: Any, depth: Int, _ random: inout SplitMix64) -> Any {
        // Descend most of the time, so deep fields (ids, timestamps) get hit too.
        if let object = value as? [String: Any], !object.isEmpty, depth < 12, Int.random(in: 0..<8, using: &random) != 0 {
            var object = object
            let keys = object.keys.sorted()
            let key = keys[Int.random(in: 0..<keys.count, using: &random)]
            if Int.random(in: 0..<10, using: &random) == 0 {
                object[key] = nil
            } else if let child = object[key] {
                object[key] = mutate(child, depth: depth + 1, &random)
            }
            return object
        }
        if let array = value as? [Any], !array.isEmpty, depth < 12, Int.random(in: 0..<8, using: &random) != 0 {
            var array = array
            let index = Int.random(in: 0..<array.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: array.append(array[index])
            case 1: array.remove(at: index)
            default: array[index] = mutate(array[index], depth: depth + 1, &random)
            }
            return array
        }
        return replacement(&random)
    }

    private static func replacement(_ random: inout SplitMix64) -> Any {
        switch Int.random(in: 0..<12, using: &random) {
        case 0: return NSNull()
        case 1: return Int.random(in: .min ... .max, using: &random)
        case 2: return Double.random(in: -1e300...1e300, using: &random)
        case 3: return ""
        case 4: return "\u{0}\u{1F4E6}\u{202E}é\"\\"
        case 5: return String(repeating: "9", count: Int.random(in: 1...40, using: &random))
        case 6: return true
        case 7: return [Any]()
        case 8: return [String: Any]()
        case 9: return [[[[["deep"]]]]]
        case 10: return ["id": "900000000000001", "mid": "m_x", "type": "image", "phone_number_id": "200000000000001"]
        default: return String(repeating: "x", count: Int.random(in: 0...2000, using: &random))
        }
    }
}
