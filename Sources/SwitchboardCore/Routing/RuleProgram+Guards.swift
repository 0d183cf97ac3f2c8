extension RuleProgram {
    /// Every rule's `RuleGuard`, compiled to test each distinct comparison (an "atom") once
    /// and to give the rules that may hold as a bit set.
    ///
    /// A rule's clause `k` is bit `rule` of layer `k`: one bit per (clause, rule), a layer
    /// `wordsPerLayer` words long. Evaluation starts from `preset` (1 where a rule has no
    /// clause `k`, so that layer never stops it), tests every atom, and for each sets the
    /// bits of the clauses its outcome satisfies. The rules still standing are the AND of
    /// the layers.
    ///
    /// Text equalities, the commonest comparison in routing rules, are not tested one by
    /// one: those on one slot form a family in a hash table of their constants, and the
    /// slot's value finds the one it equals (at most one: constants are distinct) with one
    /// hash. The others fail without a look.
    ///
    /// A class for the reason `RuleProgram` is one.
    final class Guards: Sendable {
        /// Bits to set in one word of the layers.
        struct WordBits: Sendable, Hashable {
            let word: Int
            let mask: UInt64
        }

        /// What an atom sets: the first word of bits when it holds and when it fails (a
        /// mask of 0 sets nothing), picked without a branch on the outcome; and, for an atom
        /// whose bits span more words, the others in `extraBits` (`extraStart..<extraMiddle`
        /// when it holds, `extraMiddle..<extraEnd` when it fails).
        struct Outcome: Sendable, Hashable {
            let whenHolds: WordBits
            let whenFails: WordBits
            let extraStart: UInt32
            let extraMiddle: UInt32
            let extraEnd: UInt32

            var hasExtra: Bool { extraEnd != extraStart }
            var failingSetsBits: Bool { whenFails.mask != 0 }
        }

        /// The text-equality atoms on one slot.
        struct EqualsFamily: Sendable, Hashable {
            let slot: Int32
            /// The family's open-addressed table in `table`, a power of two at least twice
            /// the family's size (so a probe always ends at an empty entry).
            let tableStart: Int32
            let tableMask: Int32
            /// The family's atoms that set bits when they fail (negated literals), in `failing`.
            let failingStart: Int32
            let failingEnd: Int32
        }

        /// The distinct comparisons of all guards, as nodes whose targets are unused: first
        /// the `testedCount` tested one by one, sorted by test and slot so that a run of alike
        /// tests follows the same branches (the number ranges last, from `numbersStart`); then
        /// the text equalities, family by family.
        let atoms: [Node]
        let numbersStart: Int
        let testedCount: Int
        /// Per atom. A bit's position in the layers is `layer * wordsPerLayer * 64 + rule`;
        /// an atom shared by many rules sets its bits a word at a time.
        let outcomes: [Outcome]
        let extraBits: [WordBits]
        let families: [EqualsFamily]
        /// Atom indexes, -1 for an empty entry.
        let table: [Int32]
        let failing: [Int32]
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

            var atoms = Atoms(layout: layout)
            for (rule, ruleGuard) in guards.enumerated() {
                for (layer, clause) in ruleGuard.clauses.enumerated() {
                    let bit = UInt32(truncatingIfNeeded: Compiler.index(layer * wordsPerLayer * 64 + rule))
                    for literal in clause { atoms.add(literal, bit: bit) }
                }
            }
            let nodes = atoms.compiler.nodes
            let tested = nodes.indices.filter { nodes[$0].test != .textEquals }.sorted { left, right in
                (nodes[left].test.rawValue, nodes[left].slot, left) < (nodes[right].test.rawValue, nodes[right].slot, right)
            }
            let equalities = Dictionary(grouping: nodes.indices.filter { nodes[$0].test == .textEquals }) { nodes[$0].slot }
            let order = tested + equalities.keys.sorted().flatMap { equalities[$0] ?? [] }

            var outcomes: [Outcome] = [], extraBits: [WordBits] = []
            for atom in order {
                let whenHolds = Self.byWord(atoms.whenHolds[atom]), whenFails = Self.byWord(atoms.whenFails[atom])
                let extraStart = extraBits.count
                extraBits += whenHolds.dropFirst()
                let extraMiddle = extraBits.count
                extraBits += whenFails.dropFirst()
                outcomes.append(Outcome(
                    whenHolds: whenHolds.first ?? WordBits(word: 0, mask: 0),
                    whenFails: whenFails.first ?? WordBits(word: 0, mask: 0),
                    extraStart: UInt32(truncatingIfNeeded: extraStart), extraMiddle: UInt32(truncatingIfNeeded: extraMiddle),
                    extraEnd: UInt32(truncatingIfNeeded: Compiler.index(extraBits.count))))
            }
            let laidAtoms = order.map { nodes[$0] }
            self.atoms = laidAtoms
            self.numbersStart = tested.firstIndex { nodes[$0].test == .numberWithin } ?? tested.count
            self.testedCount = tested.count
            self.outcomes = outcomes
            self.extraBits = extraBits
            self.constants = atoms.compiler.constants
            self.layerCount = layerCount
            self.wordsPerLayer = wordsPerLayer
            self.preset = preset

            (self.families, self.table, self.failing) = Self.hashTables(
                of: equalities.keys.sorted().map { equalities[$0]?.count ?? 0 }, from: tested.count, atoms: laidAtoms,
                outcomes: outcomes, constants: atoms.compiler.constants)
        }

        /// The families' hash tables: family `f` is the next `sizes[f]` atoms from `start`.
        private static func hashTables(
            of sizes: [Int], from start: Int, atoms: [Node], outcomes: [Outcome], constants: [UInt8]
        ) -> (families: [EqualsFamily], table: [Int32], failing: [Int32]) {
            var families: [EqualsFamily] = [], table: [Int32] = [], failing: [Int32] = []
            var position = start
            constants.withUnsafeBufferPointer { constants in
                for size in sizes {
                    let members = position..<(position + size)
                    position = members.upperBound
                    var capacity = 2
                    while capacity < 2 * members.count { capacity *= 2 }
                    let tableStart = table.count
                    table += repeatElement(-1, count: capacity)
                    for atom in members {
                        let node = atoms[atom]
                        let constant = FoldedBytes(buffer: constants, start: node.constantStart, count: node.constantCount)
                        var entry = Int(truncatingIfNeeded: constant.hash) & (capacity - 1)
                        while table[tableStart + entry] >= 0 { entry = (entry + 1) & (capacity - 1) }
                        table[tableStart + entry] = Compiler.index(atom)
                    }
                    let failingStart = failing.count
                    failing += members.filter { outcomes[$0].failingSetsBits }.map(Compiler.index)
                    families.append(EqualsFamily(
                        slot: atoms[members.lowerBound].slot, tableStart: Compiler.index(tableStart),
                        tableMask: Compiler.index(capacity - 1),
                        failingStart: Compiler.index(failingStart), failingEnd: Compiler.index(failing.count)))
                }
            }
            return (families, table, failing)
        }

        /// Bit positions as one mask per word, in the order the words first appear.
        private static func byWord(_ positions: [UInt32]) -> [WordBits] {
            var words: [Int] = [], masks: [Int: UInt64] = [:]
            for position in positions {
                let word = Int(position / 64)
                if masks[word] == nil { words.append(word) }
                masks[word, default: 0] |= 1 << UInt64(position % 64)
            }
            return words.map { WordBits(word: $0, mask: masks[$0] ?? 0) }
        }

        /// The distinct comparisons, compiled, and the bits each sets when it holds or fails.
        private struct Atoms {
            /// What makes two comparisons the same test: `Tier equals Gold` and `tier equals
            /// gold` are one atom.
            struct Key: Hashable {
                let test: Node.Test
                let slot: Int32
                let operandB: UInt64
                let operand: [UInt8]
            }

            var compiler: Compiler
            var index: [Key: Int] = [:]
            var whenHolds: [[UInt32]] = []
            var whenFails: [[UInt32]] = []

            init(layout: RoutingContextLayout) { compiler = Compiler(layout: layout) }

            mutating func add(_ literal: RuleGuard.Literal, bit: UInt32) {
                let constantsBefore = compiler.constants.count
                compiler.emit(literal.comparison, onTrue: 0, onFalse: 0)
                guard let node = compiler.nodes.last else { return }
                let operand = node.test == .numberWithin
                    ? withUnsafeBytes(of: node.operandA) { Array($0) }
                    : Array(compiler.constants[constantsBefore...])
                let key = Key(test: node.test, slot: node.slot, operandB: node.operandB, operand: operand)
                let atom: Int
                if let known = index[key] {
                    // Seen before: forget the copy just compiled.
                    compiler.nodes.removeLast()
                    compiler.constants.removeLast(compiler.constants.count - constantsBefore)
                    atom = known
                } else {
                    atom = compiler.nodes.count - 1
                    index[key] = atom
                    whenHolds.append([])
                    whenFails.append([])
                }
                if literal.holds { whenHolds[atom].append(bit) } else { whenFails[atom].append(bit) }
            }
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
                    outcomes.withUnsafeBufferPointer { outcomes in
                        extraBits.withUnsafeBufferPointer { extraBits in
                            constants.withUnsafeBufferPointer { constants in
                                let record = { (atom: Int, holds: Bool) in
                                    let outcome = outcomes[atom]
                                    let bits = holds ? outcome.whenHolds : outcome.whenFails
                                    // Most outcomes set nothing (a false atom of a positive
                                    // literal): skip the store, which would chain every atom
                                    // on the one before through a word in memory.
                                    if bits.mask != 0 { layers[bits.word] |= bits.mask }
                                    if _slowPath(outcome.hasExtra) {
                                        var next = Int(holds ? outcome.extraStart : outcome.extraMiddle)
                                        let end = Int(holds ? outcome.extraMiddle : outcome.extraEnd)
                                        while next < end {
                                            layers[extraBits[next].word] |= extraBits[next].mask
                                            next &+= 1
                                        }
                                    }
                                }
                                for atom in 0..<numbersStart {
                                    record(atom, RuleProgram.holds(atoms[atom], slots: slots, bytes: bytes, constants: constants))
                                }
                                // Ranges need no mask check: an absent or text value's number is NaN.
                                for atom in numbersStart..<testedCount {
                                    let node = atoms[atom]
                                    let value = slots[Int(node.slot)].number
                                    record(atom, node.low <= value && value <= node.high)
                                }
                                testFamilies(slots: slots, bytes: bytes, atoms: atoms, constants: constants, record)
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

        /// For each family: the atom the slot's text equals (if any) holds; of the others,
        /// only those with bits to set when they fail are reported.
        @inline(__always)
        private func testFamilies(
            slots: UnsafeBufferPointer<FoldedValues.Slot>, bytes: UnsafeBufferPointer<UInt8>,
            atoms: UnsafeBufferPointer<Node>, constants: UnsafeBufferPointer<UInt8>, _ report: (Int, Bool) -> Void
        ) {
            table.withUnsafeBufferPointer { table in
                failing.withUnsafeBufferPointer { failing in
                    for family in families {
                        let slot = slots[Int(family.slot)]
                        var matched = -1
                        if slot.count >= 0 {
                            let value = FoldedBytes(buffer: bytes, start: slot.start, count: slot.count)
                            let mask = Int(family.tableMask)
                            var entry = Int(truncatingIfNeeded: value.hash) & mask
                            while true {
                                let atom = Int(table[Int(family.tableStart) &+ entry])
                                if atom < 0 { break }
                                let node = atoms[atom]
                                if value.equals(FoldedBytes(buffer: constants, start: node.constantStart, count: node.constantCount)) {
                                    matched = atom
                                    break
                                }
                                entry = (entry &+ 1) & mask
                            }
                        }
                        if matched >= 0 { report(matched, true) }
                        for index in Int(family.failingStart)..<Int(family.failingEnd) where Int(failing[index]) != matched {
                            report(Int(failing[index]), false)
                        }
                    }
                }
            }
        }
    }
}
