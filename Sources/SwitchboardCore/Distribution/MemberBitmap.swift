/// A set of member positions of one queue (0..<count) as bits: finding the next member at
/// or after a position costs one word per 64 members, so a round-robin scan of 10,000
/// members with few ready ones is a few hundred word reads, not 10,000 look-ups.
struct MemberBitmap: Sendable, Hashable {
    private var words: [UInt64]
    private(set) var count = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        words = Array(repeating: 0, count: (capacity + 63) / 64)
    }

    var isEmpty: Bool { count == 0 }

    func contains(_ position: Int) -> Bool {
        guard position >= 0, position < capacity else { return false }
        return words[position >> 6] & (1 << UInt64(position & 63)) != 0
    }

    mutating func insert(_ position: Int) {
        guard position >= 0, position < capacity, !contains(position) else { return }
        words[position >> 6] |= 1 << UInt64(position & 63)
        count += 1
    }

    mutating func remove(_ position: Int) {
        guard contains(position) else { return }
        words[position >> 6] &= ~(1 << UInt64(position & 63))
        count -= 1
    }

    /// The first member at or after `position`, nil past the last.
    func next(from position: Int) -> Int? {
        guard position < capacity else { return nil }
        var index = max(position, 0) >> 6
        var word = words[index] & (~0 << UInt64(max(position, 0) & 63))
        while true {
            if word != 0 { return index << 6 + word.trailingZeroBitCount }
            index += 1
            guard index < words.count else { return nil }
            word = words[index]
        }
    }

    /// Visits the members in rotation order starting at `start` (wrapping once) until
    /// `body` returns true; returns that member.
    func firstInRotation(from start: Int, where body: (Int) -> Bool) -> Int? {
        guard count > 0 else { return nil }
        let start = capacity == 0 ? 0 : ((start % capacity) + capacity) % capacity
        var position = next(from: start)
        while let current = position {
            if body(current) { return current }
            position = next(from: current + 1)
        }
        position = next(from: 0)
        while let current = position, current < start {
            if body(current) { return current }
            position = next(from: current + 1)
        }
        return nil
    }
}
