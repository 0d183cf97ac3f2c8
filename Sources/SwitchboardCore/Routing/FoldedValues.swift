/// A `RoutingContext`'s values as the rule program reads them: one fixed-size entry per
/// slot and all folded text in one byte buffer, so evaluation does no String work, no
/// optional unwrapping of enums and no allocation.
struct FoldedValues: Sendable {
    struct Slot: Sendable {
        /// Where the slot's folded text is in `bytes`; `count` is -1 when the slot holds no text.
        let start: Int
        let count: Int
        /// The slot's number; NaN when it holds none. Present numbers are finite (W2), and
        /// every number test is false on NaN, which is exactly the absent-value semantics.
        let number: Double
        /// `FoldedBytes.mask` of a text; all ones for a number; 0 when absent.
        let mask: UInt64

        static let absent = Slot(start: 0, count: -1, number: .nan, mask: 0)
    }

    let slots: [Slot]
    let bytes: [UInt8]

    init(_ values: [RoutingValue?], slotCount: Int) {
        // At least one slot: a `never` node reads slot 0.
        var slots = [Slot](repeating: .absent, count: max(values.count, slotCount, 1))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.reduce(0) { total, value in
            if case .text(let text)? = value { return total + text.utf8.count }
            return total
        })
        for (index, value) in values.enumerated() {
            switch value {
            case .text(let text)?:
                let start = bytes.count
                RoutingText.fold(text, into: &bytes)
                slots[index] = Slot(
                    start: start, count: bytes.count - start, number: .nan, mask: FoldedBytes.mask(bytes[start...]))
            case .number(let number)?:
                slots[index] = Slot(start: 0, count: -1, number: number, mask: .max)
            case nil:
                break
            }
        }
        self.slots = slots
        self.bytes = bytes
    }
}
