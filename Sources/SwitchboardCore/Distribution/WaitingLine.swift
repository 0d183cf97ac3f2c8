import HeapModule

/// The conversations of one queue and work stream waiting for a push offer, oldest first
/// (Q2). A heap with lazy removal: leaving only marks the entry, which is dropped when it
/// comes to the top (or when stale entries outnumber live ones), so arrival, leaving and
/// taking the oldest cost O(log n) with 100,000 waiting.
struct WaitingLine: Sendable {
    struct Entry: Comparable, Sendable {
        var arrivalIndex: UInt64
        var conversationID: String

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.arrivalIndex, lhs.conversationID) < (rhs.arrivalIndex, rhs.conversationID)
        }
    }

    private var heap = Heap<Entry>()
    /// One heap entry per key; the value says whether it is waiting (false: left, stale).
    private var entries: [String: Bool] = [:]
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func enter(_ conversationID: String, arrivalIndex: UInt64) {
        switch entries[conversationID] {
        case true?:
            return
        case false?:
            entries[conversationID] = true
        case nil:
            entries[conversationID] = true
            heap.insert(Entry(arrivalIndex: arrivalIndex, conversationID: conversationID))
        }
        count += 1
    }

    mutating func leave(_ conversationID: String) {
        guard entries[conversationID] == true else { return }
        entries[conversationID] = false
        count -= 1
        if heap.count > 2 * count + 64 { compact() }
    }

    /// The oldest waiting conversation, without taking it.
    mutating func oldest() -> Entry? {
        while let top = heap.min {
            if entries[top.conversationID] == true { return top }
            heap.removeMin()
            entries[top.conversationID] = nil
        }
        return nil
    }

    /// Takes the oldest waiting conversation out of the line.
    mutating func takeOldest() -> Entry? {
        guard let top = oldest() else { return nil }
        heap.removeMin()
        entries[top.conversationID] = nil
        count -= 1
        return top
    }

    func contains(_ conversationID: String) -> Bool { entries[conversationID] == true }

    private mutating func compact() {
        heap = Heap(heap.unordered.filter { entries[$0.conversationID] == true })
        entries = entries.filter(\.value)
    }
}
