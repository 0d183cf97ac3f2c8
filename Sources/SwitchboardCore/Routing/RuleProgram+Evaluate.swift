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
                                if _fastPath(node.falseIsNext) { target &+= 1 } else { target = Int(node.onFalse) }
                            } else {
                                if _fastPath(node.trueIsNext) { target &+= 1 } else { target = Int(node.onTrue) }
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
        let slot = slots[Int(node.slot)]
        // A byte of a text constant that the text lacks: no match, without reading a byte.
        // This runs before telling the tests apart, for every node, as `operandB` (a text
        // constant's mask, a number test's high bound) against the slot's mask: an absent
        // value's mask is 0, so only an empty text constant (isEmpty included) gets past it,
        // and a number's is all ones, so a number test always does. A number test rejected
        // here had an absent or non-number value, for which it is false anyway.
        guard node.operandB & ~slot.mask == 0 else { return false }
        switch node.test {
        case .numberWithin:
            // An absent number is NaN, for which both comparisons are false.
            return node.low <= slot.number && slot.number <= node.high
        case .never: return false
        case .textIsEmpty: return slot.count <= 0
        case .textEquals, .textContains, .textBeginsWith, .textEndsWith:
            guard slot.count >= 0 else { return false }
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
