/// A first-in first-out queue with O(1) amortised push and pop (Array + head index),
/// for the loop's pending sends and the receive buffer, which can hold thousands.
struct FIFO<Element> {
    private var storage: [Element] = []
    private var head = 0

    var isEmpty: Bool { head == storage.count }
    var count: Int { storage.count - head }
    var first: Element? { isEmpty ? nil : storage[head] }

    mutating func append(_ element: Element) {
        storage.append(element)
    }

    mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        // Compact once the consumed prefix dominates, keeping memory bounded.
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Removes and returns the first element matching `predicate`.
    mutating func remove(where predicate: (Element) -> Bool) -> Element? {
        guard let index = storage[head...].firstIndex(where: predicate) else { return nil }
        return storage.remove(at: index)
    }

    /// Empties the queue, returning what it held, oldest first.
    mutating func removeAll() -> [Element] {
        let rest = Array(storage[head...])
        storage = []
        head = 0
        return rest
    }
}
