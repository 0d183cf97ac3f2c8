extension RuleProgram {
    /// Every rule's `RuleGuard`, compiled to test each distinct comparison once and to give
    /// the rules that may hold as a bit set.
    ///
    /// A rule's clause `k` is bit `rule` of layer `k`: one bit set per (clause, rule), a
    /// layer `wordsPerLayer` words long. Evaluation starts from `preset` (1 where a rule has
    /// no clause `k`, so that layer never stops it), tests every atom, and for each sets the
    /// bits of the clauses its outcome satisfies. The rules still standing are the AND of
    /// the layers.
    struct Guards: Sendable, Hashable {
        /// Where an atom's bits are in `bits`: `start..<middle` are set when it holds,
        /// `middle..<end` when it fails.
        struct Bits: Sendable, Hashable {
            let start: UInt32
            let middle: UInt32
            let end: UInt32
        }

        /// The distinct comparisons of all guards, as nodes whose targets are unused, sorted
        /// by test and slot so that a run of alike tests follows the same branches.
        let atoms: [Node]
        let atomBits: [Bits]
        /// Bit positions in the layers: `layer * wordsPerLayer * 64 + rule`.
        let bits: [UInt32]
        /// The atoms' folded text constants, back to back.
        let constants: [UInt8]
        let layerCount: Int
        let wordsPerLayer: Int
        let preset: [UInt64]

        init(_ guards: [RuleGuard], layout: RoutingContextLayout) {
            let wordsPerLayer = (guards.count + 63) / 64
            let layerCount = max(1, guards.map(\.clauses.count).max() ?? 0)
            var preset = [UInt64](repeating: 0, count: layerCount * wordsPerLayer)
            for (rule, ruleGuard) in guards.enumerated() {
                for layer in ruleGuard.clauses.count..<layerCount {
                    preset[layer * wordsPerLayer + rule / 64] |= 1 << UInt64(rule % 64)
                }
            }

            var compiler = Compiler(layout: layout)
            var atomIndex: [Comparison: Int] = [:]
            var whenHolds: [[UInt32]] = [], whenFails: [[UInt32]] = []
            for (rule, ruleGuard) in guards.enumerated() {
                for (layer, clause) in ruleGuard.clauses.enumerated() {
                    let bit = UInt32(truncatingIfNeeded: Compiler.index(layer * wordsPerLayer * 64 + rule))
                    for literal in clause {
                        let atom: Int
                        if let known = atomIndex[literal.comparison] {
                            atom = known
                        } else {
                            atom = compiler.nodes.count
                            atomIndex[literal.comparison] = atom
                            compiler.emit(literal.comparison, onTrue: 0, onFalse: 0)
                            whenHolds.append([])
                            whenFails.append([])
                        }
                        if literal.holds { whenHolds[atom].append(bit) } else { whenFails[atom].append(bit) }
                    }
                }
            }

            let order = compiler.nodes.indices.sorted { left, right in
                let a = compiler.nodes[left], b = compiler.nodes[right]
                return (a.test.rawValue, a.slot, left) < (b.test.rawValue, b.slot, right)
            }
            var bits: [UInt32] = [], atomBits: [Bits] = []
            for atom in order {
                let start = bits.count
                bits += whenHolds[atom]
                let middle = bits.count
                bits += whenFails[atom]
                atomBits.append(Bits(
                    start: UInt32(truncatingIfNeeded: start), middle: UInt32(truncatingIfNeeded: middle),
                    end: UInt32(truncatingIfNeeded: Compiler.index(bits.count))))
            }
            self.atoms = order.map { compiler.nodes[$0] }
            self.atomBits = atomBits
            self.bits = bits
            self.constants = compiler.constants
            self.layerCount = layerCount
            self.wordsPerLayer = wordsPerLayer
            self.preset = preset
        }

        /// Calls `body` with the rules whose guards hold in `slots`: bit `rule % 64` of word
        /// `rule / 64`, no bit at or above the rule count.
        @inline(__always)
        func withCandidates<Result>(
            slots: UnsafeBufferPointer<FoldedValues.Slot>, bytes: UnsafeBufferPointer<UInt8>,
            _ body: (UnsafeBufferPointer<UInt64>) -> Result
        ) -> Result {
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: preset.count) { layers in
                _ = layers.initialize(from: preset)
                atoms.withUnsafeBufferPointer { atoms in
                    atomBits.withUnsafeBufferPointer { atomBits in
                        bits.withUnsafeBufferPointer { bits in
                            constants.withUnsafeBufferPointer { constants in
                                for index in 0..<atoms.count {
                                    let holds = RuleProgram.holds(atoms[index], slots: slots, bytes: bytes, constants: constants)
                                    let place = atomBits[index]
                                    var next = Int(holds ? place.start : place.middle)
                                    let end = Int(holds ? place.middle : place.end)
                                    while next < end {
                                        let bit = Int(bits[next])
                                        layers[bit &>> 6] |= 1 &<< UInt64(truncatingIfNeeded: bit & 63)
                                        next &+= 1
                                    }
                                }
                            }
                        }
                    }
                }
                for layer in 1..<layerCount {
                    for word in 0..<wordsPerLayer { layers[word] &= layers[layer &* wordsPerLayer &+ word] }
                }
                return body(UnsafeBufferPointer(rebasing: layers[0..<wordsPerLayer]))
            }
        }
    }
}
