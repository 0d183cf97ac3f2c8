extension RuleProgram {
    /// Orders the nodes so that evaluation mostly steps to the next node, and marks those
    /// steps (`Node.trueIsNext`, `Node.falseIsNext`).
    ///
    /// Most comparisons fail (first match: every rule but one fails for a conversation), so
    /// the nodes are placed along their failing path first: from each node, its `onFalse`
    /// node comes next when it is not placed yet, else its `onTrue` node; the other one
    /// waits and starts a later run. For rules that fail, evaluation then walks forward
    /// through memory without reading a target. The order changes nothing else: every
    /// target is explicit.
    static func laidOut(_ nodes: [Node], entries: [Int]) -> (nodes: [Node], entries: [Int]) {
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        var placed = [Bool](repeating: false, count: nodes.count)
        // The first rule's nodes first, then the next rule's, ...
        var waiting: [Int] = entries.reversed()
        while let start = waiting.popLast() {
            var current = start
            while current >= 0, !placed[current] {
                placed[current] = true
                order.append(current)
                let onFalse = Int(nodes[current].onFalse), onTrue = Int(nodes[current].onTrue)
                if onFalse >= 0, !placed[onFalse] {
                    if onTrue >= 0 { waiting.append(onTrue) }
                    current = onFalse
                } else {
                    current = onTrue
                }
            }
        }
        // Every node is reachable from an entry; keep any that were not, all the same.
        order += nodes.indices.filter { !placed[$0] }

        var position = [Int32](repeating: 0, count: nodes.count)
        for (newIndex, oldIndex) in order.enumerated() { position[oldIndex] = Int32(truncatingIfNeeded: newIndex) }
        let moved = { (target: Int32) in target >= 0 ? position[Int(target)] : target }
        let laid = order.enumerated().map { newIndex, oldIndex in
            var node = nodes[oldIndex]
            node.onTrue = moved(node.onTrue)
            node.onFalse = moved(node.onFalse)
            node.trueIsNext = Int(node.onTrue) == newIndex + 1
            node.falseIsNext = Int(node.onFalse) == newIndex + 1
            return node
        }
        return (laid, entries.map { Int(position[$0]) })
    }
}
