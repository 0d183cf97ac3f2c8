extension RuleProgram {
    /// The index of the first rule whose condition holds, or `ruleCount` when none does.
    ///
    /// `values` must have at least `slotCount` slots (`FoldedValues(_:slotCount:)`): the
    /// loop reads them through unchecked buffers.
    func firstMatch(in values: FoldedValues) -> Int {
        precondition(values.slots.count >= slotCount, "folded values of another layout")
        return nodes.withUnsafeBufferPointer { nodes in
            constants.withUnsafeBufferPointer { constants in
                values.slots.withUnsafeBufferPointer { slots in
                    values.bytes.withUnsafeBufferPointer { bytes in
                        var target = entry
                        while target >= 0 {
                            let node = nodes[target]
                            // Most tests fail; the hint makes the compiler branch rather than
                            // select, so the processor can run ahead into the next node.
                            if _fastPath(!Self.holds(node, slots: slots, bytes: bytes, constants: constants)) {
                                target = Int(node.onFalse)
                            } else {
                                target = Int(node.onTrue)
                            }
                        }
                        return -target - 1
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func holds(
        _ node: Node, slots: UnsafeBufferPointer<FoldedValues.Slot>, bytes: UnsafeBufferPointer<UInt8>,
        constants: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        switch node.test {
        case .numberWithin:
            // An absent number is NaN, for which both comparisons are false.
            let number = slots[Int(node.slot)].number
            return node.low <= number && number <= node.high
        case .never: return false
        case .textIsEmpty: return slots[Int(node.slot)].count <= 0
        case .textEquals, .textContains, .textBeginsWith, .textEndsWith:
            let slot = slots[Int(node.slot)]
            // A byte of the constant that the text lacks: no match, without reading a byte.
            // (An absent text has mask 0, so only the empty constant gets past this.)
            guard node.mask & ~slot.mask == 0, slot.count >= 0 else { return false }
            let value = FoldedBytes(buffer: bytes, start: slot.start, count: slot.count)
            let constant = FoldedBytes(buffer: constants, start: node.constantStart, count: node.constantCount)
            switch node.test {
            case .textEquals: return value.equals(constant)
            case .textContains: return value.contains(constant)
            case .textBeginsWith: return value.hasPrefix(constant)
            default: return value.hasSuffix(constant)
            }
        }
    }
}
