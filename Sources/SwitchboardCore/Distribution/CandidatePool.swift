import HeapModule

/// The members of one queue who could get a push offer now, for one presence profile (the
/// allowed presences of some push work streams), kept in the shape the queue's assignment
/// method (Q2) searches: a rotation bitmap (roundRobin), bitmaps per free-unit level
/// (highestCapacity) or a heap by last assignment (mostIdle). Positions are member indexes.
/// A member is ready when presence knows them, their base presence is allowed, they have at
/// least the profile's smallest capacity free, and presence has not just denied them.
struct CandidatePool: Sendable {
    /// A mostIdle heap entry; stale once the member's version moved on.
    private struct IdleEntry: Comparable, Sendable {
        var lastAssignmentAtMs: Int64
        var position: Int
        var version: UInt32

        static func < (lhs: IdleEntry, rhs: IdleEntry) -> Bool {
            (lhs.lastAssignmentAtMs, lhs.position) < (rhs.lastAssignmentAtMs, rhs.position)
        }
    }

    let method: AssignmentMethod
    private(set) var ready: MemberBitmap
    private var free: [Int]
    private var idleKeys: [Int64]
    private var versions: [UInt32]
    /// highestCapacity: free units → ready members with that many; levels largest first.
    private var levels: [Int: MemberBitmap] = [:]
    private var levelKeys: [Int] = []
    /// mostIdle: ready members by last assignment (lazy: stale entries are skipped).
    private var idle = Heap<IdleEntry>()

    init(method: AssignmentMethod, memberCount: Int) {
        self.method = method
        ready = MemberBitmap(capacity: memberCount)
        free = Array(repeating: 0, count: memberCount)
        idleKeys = Array(repeating: .min, count: memberCount)
        versions = Array(repeating: 0, count: memberCount)
    }

    var isEmpty: Bool { ready.isEmpty }
    func isReady(_ position: Int) -> Bool { ready.contains(position) }
    func freeUnits(at position: Int) -> Int { free[position] }
    func lastAssignment(at position: Int) -> Int64 { idleKeys[position] }

    /// Records a member's state. Returns true when the member became ready or got more
    /// free units: assignment is worth trying again.
    @discardableResult
    mutating func set(_ position: Int, ready isReady: Bool, free units: Int, lastAssignmentAtMs key: Int64) -> Bool {
        guard position >= 0, position < free.count else { return false }
        let wasReady = ready.contains(position)
        let oldFree = free[position]
        let oldKey = idleKeys[position]
        guard wasReady != isReady || (isReady && (oldFree != units || oldKey != key)) else { return false }
        if wasReady {
            ready.remove(position)
            if method == .highestCapacity { removeFromLevel(position, level: oldFree) }
        }
        free[position] = units
        idleKeys[position] = key
        if isReady {
            ready.insert(position)
            if method == .highestCapacity { addToLevel(position, level: units) }
            if method == .mostIdle, !wasReady || oldKey != key {
                versions[position] &+= 1
                idle.insert(IdleEntry(lastAssignmentAtMs: key, position: position, version: versions[position]))
                compactIdleIfSparse()
            }
        } else if method == .mostIdle {
            versions[position] &+= 1
        }
        return isReady && (!wasReady || units > oldFree)
    }

    /// The ready member the method prefers among those with at least `minimumFree` units
    /// that `accept` takes; rotation starts after `cursor` (the member chosen last).
    mutating func choose(after cursor: Int, minimumFree: Int, accept: (Int) -> Bool) -> Int? {
        switch method {
        case .roundRobin:
            let free = self.free
            return ready.firstInRotation(from: cursor + 1) { free[$0] >= minimumFree && accept($0) }
        case .highestCapacity:
            // Most free units first; ties by rotation.
            for level in levelKeys where level >= minimumFree {
                if let position = levels[level]?.firstInRotation(from: cursor + 1, where: accept) { return position }
            }
            return nil
        case .mostIdle:
            var seen = [IdleEntry]()
            var chosen: Int?
            while let entry = idle.popMin() {
                guard entry.version == versions[entry.position], ready.contains(entry.position) else { continue }
                seen.append(entry)
                if free[entry.position] >= minimumFree && accept(entry.position) {
                    chosen = entry.position
                    break
                }
            }
            for entry in seen { idle.insert(entry) }
            return chosen
        }
    }

    private mutating func addToLevel(_ position: Int, level: Int) {
        if levels[level] == nil {
            levels[level] = MemberBitmap(capacity: free.count)
            let index = levelKeys.firstIndex { $0 < level } ?? levelKeys.endIndex
            levelKeys.insert(level, at: index)
        }
        levels[level]?.insert(position)
    }

    private mutating func removeFromLevel(_ position: Int, level: Int) {
        levels[level]?.remove(position)
        if levels[level]?.isEmpty == true {
            levels[level] = nil
            levelKeys.removeAll { $0 == level }
        }
    }

    /// Rebuilds the idle heap when stale entries outnumber the live ones.
    private mutating func compactIdleIfSparse() {
        guard idle.count > 2 * ready.count + 64 else { return }
        var entries = [IdleEntry]()
        entries.reserveCapacity(ready.count)
        var position = ready.next(from: 0)
        while let current = position {
            entries.append(IdleEntry(lastAssignmentAtMs: idleKeys[current], position: current, version: versions[current]))
            position = ready.next(from: current + 1)
        }
        idle = Heap(entries)
    }
}
