extension RuleProgram {
    /// The index of the first rule whose condition holds, or `ruleCount` when none does.
    ///
    /// `values` must have at least `slotCount` slots (`FoldedValues(_:slotCount:)`): the
    /// loop reads them through unchecked buffers.
    func firstMatch(in values: FoldedValues) -> Int {
        precondition(values.slots.count >= slotCount, "folded values of another layout")
        return values.slots.withUnsafeBufferPointer { slots in
            values.bytes.withUnsafeBufferPointer { bytes in
                guards.withCandidates(slots: slots, bytes: bytes) { candidates in
                    nodes.withUnsafeBufferPointer { nodes in
                        constants.withUnsafeBufferPointer { constants in
                            ruleEntries.withUnsafeBufferPointer { entries in
                                // Candidates in rule order: the first that holds wins.
                                for (wordIndex, word) in candidates.enumerated() {
                                    var remaining = word
                                    while remaining != 0 {
                                        let rule = wordIndex &* 64 &+ remaining.trailingZeroBitCount
                                        let outcome = Self.run(
                                            from: Int(entries[rule]), nodes: nodes, slots: slots, bytes: bytes,
                                            constants: constants)
                                        if outcome == rule { return rule }
                                        remaining &= remaining &- 1
                                    }
                                }
                                return ruleCount
                            }
                        }
                    }
                }
            }
        }
    }

    /// The rules whose guards hold for `values`, in order: the ones `firstMatch` evaluates.
    func candidates(in values: FoldedValues) -> [Int] {
        precondition(values.slots.count >= slotCount, "folded values of another layout")
        return values.slots.withUnsafeBufferPointer { slots in
            values.bytes.withUnsafeBufferPointer { bytes in
                guards.withCandidates(slots: slots, bytes: bytes) { candidates in
                    (0..<ruleCount).filter { candidates[$0 / 64] & (1 << UInt64($0 % 64)) != 0 }
                }
            }
        }
    }

    /// Runs one rule from its entry: its index when it holds, `ruleCount` when it fails.
    @inline(__always)
    private static func run(
        from entry: Int, nodes: UnsafeBufferPointer<Node>, slots: UnsafeBufferPointer<FoldedValues.Slot>,
        bytes: UnsafeBufferPointer<UInt8>, constants: UnsafeBufferPointer<UInt8>
    ) -> Int {
        var target = entry
        while target >= 0 {
            let node = nodes[target]
            // Most tests fail; the hint makes the compiler branch rather than select, so the
            // processor can run ahead into the next node.
            if _fastPath(!holds(node, slots: slots, bytes: bytes, constants: constants)) {
                if _fastPath(node.falseIsNext) { target &+= 1 } else { target = Int(node.onFalse) }
            } else {
                if _fastPath(node.trueIsNext) { target &+= 1 } else { target = Int(node.onTrue) }
            }
        }
        return -target - 1
    }

    /// Whether one comparison holds. Rule nodes and guard atoms both use it.
    @inline(__always)
    static func holds(
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
