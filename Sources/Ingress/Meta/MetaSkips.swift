import Logging
import SwitchboardCore

/// Why parts of a signed Meta batch were not stored, tallied per request and logged once:
/// routine ones (echoes, receipts) at debug, unusable ones (an unconfigured page, an event
/// without an id) as a warning.
struct MetaSkips {
    enum Kind { case routine, unusable }

    private var routine: [String: Int] = [:]
    private var unusable: [String: Int] = [:]

    mutating func add(_ reason: String, _ kind: Kind) {
        switch kind {
        case .routine: routine[reason, default: 0] += 1
        case .unusable: unusable[reason, default: 0] += 1
        }
    }

    /// Counts elements that did not decode (see `Lossy`).
    mutating func addUndecodable(_ count: Int, what: String) {
        guard count > 0 else { return }
        unusable["\(what) of an unexpected shape", default: 0] += count
    }

    var isEmpty: Bool { routine.isEmpty && unusable.isEmpty }

    func log(to logger: Logger, channelType: ChannelType) {
        guard !isEmpty else { return }
        let merged = routine.merging(unusable) { $0 + $1 }
        let text = merged.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        logger.log(
            level: unusable.isEmpty ? .debug : .warning, "parts of a webhook were not stored",
            metadata: ["channel.type": "\(channelType.rawValue)", "skipped": "\(text)"])
    }
}

extension Array {
    /// The elements that decoded, counting the others in `skips`.
    func decodedValues<Value>(counting skips: inout MetaSkips, what: String) -> [Value] where Element == Lossy<Value> {
        let values = compactMap(\.value)
        skips.addUndecodable(count - values.count, what: what)
        return values
    }
}
