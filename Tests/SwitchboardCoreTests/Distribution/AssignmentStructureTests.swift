import Testing
@testable import SwitchboardCore

/// The data structures behind assignment: member bitmaps, candidate pools per method, and
/// the lazily cleaned waiting line.
@Suite struct AssignmentStructureTests {
    @Test func aBitmapFindsMembersInRotationAcrossWords() {
        var bitmap = MemberBitmap(capacity: 200)
        for position in [3, 64, 130, 199] { bitmap.insert(position) }
        bitmap.insert(64)
        #expect(bitmap.count == 4)
        #expect(bitmap.next(from: 4) == 64)
        #expect(bitmap.next(from: 131) == 199)
        #expect(bitmap.next(from: 200) == nil)
        var visited = [Int]()
        _ = bitmap.firstInRotation(from: 131) { visited.append($0); return false }
        #expect(visited == [199, 3, 64, 130])
        #expect(bitmap.firstInRotation(from: 131) { $0 < 100 } == 3)
        bitmap.remove(3)
        bitmap.remove(3)
        #expect(bitmap.count == 3)
        #expect(bitmap.firstInRotation(from: 131) { $0 < 100 } == 64)
    }

    @Test func roundRobinPoolsRotateAndSkipWhatIsNotAccepted() {
        var pool = CandidatePool(method: .roundRobin, memberCount: 4)
        for position in 0..<4 { pool.set(position, ready: true, free: position == 2 ? 2 : 1, lastAssignmentAtMs: 0) }
        #expect(pool.choose(after: 0, minimumFree: 1) { _ in true } == 1)
        #expect(pool.choose(after: 0, minimumFree: 2) { _ in true } == 2, "only 2 has two units")
        #expect(pool.choose(after: 3, minimumFree: 1) { $0 != 0 } == 1, "wraps, skipping 0")
        pool.set(1, ready: false, free: 0, lastAssignmentAtMs: 0)
        #expect(pool.choose(after: 0, minimumFree: 1) { _ in true } == 2)
    }

    @Test func highestCapacityPoolsPreferMoreFreeUnitsThenRotation() {
        var pool = CandidatePool(method: .highestCapacity, memberCount: 4)
        for (position, free) in [(0, 1), (1, 3), (2, 3), (3, 2)] {
            pool.set(position, ready: true, free: free, lastAssignmentAtMs: 0)
        }
        #expect(pool.choose(after: -1, minimumFree: 1) { _ in true } == 1)
        #expect(pool.choose(after: 1, minimumFree: 1) { _ in true } == 2)
        #expect(pool.choose(after: 1, minimumFree: 1) { $0 != 2 && $0 != 1 } == 3)
        #expect(
            pool.set(0, ready: true, free: 5, lastAssignmentAtMs: 0) == true, "more free units: worth assigning again")
        #expect(pool.choose(after: 1, minimumFree: 1) { _ in true } == 0)
    }

    @Test func mostIdlePoolsPreferTheLongestSinceLastAssignment() {
        var pool = CandidatePool(method: .mostIdle, memberCount: 3)
        pool.set(0, ready: true, free: 1, lastAssignmentAtMs: 300)
        pool.set(1, ready: true, free: 1, lastAssignmentAtMs: 100)
        pool.set(2, ready: true, free: 1, lastAssignmentAtMs: 200)
        #expect(pool.choose(after: -1, minimumFree: 1) { _ in true } == 1)
        #expect(pool.choose(after: -1, minimumFree: 1) { $0 != 1 } == 2, "skipped members stay in the pool")
        pool.set(1, ready: true, free: 1, lastAssignmentAtMs: 400)  // just got one
        #expect(pool.choose(after: -1, minimumFree: 1) { _ in true } == 2)
        pool.set(2, ready: false, free: 0, lastAssignmentAtMs: 200)
        #expect(pool.choose(after: -1, minimumFree: 1) { _ in true } == 0)
        for round in 0..<500 { pool.set(0, ready: true, free: 1, lastAssignmentAtMs: Int64(1_000 + round)) }
        #expect(pool.choose(after: -1, minimumFree: 1) { _ in true } == 1, "stale entries skipped after many updates")
    }

    @Test func aWaitingLineServesOldestFirstAndForgetsWhoLeft() {
        var line = WaitingLine()
        line.enter("late", arrivalIndex: 9)
        line.enter("early", arrivalIndex: 1)
        line.enter("middle", arrivalIndex: 5)
        line.enter("middle", arrivalIndex: 5)
        #expect(line.count == 3)
        line.leave("early")
        #expect(line.oldest()?.conversationID == "middle")
        line.enter("early", arrivalIndex: 1)  // back in its place
        #expect(line.takeOldest()?.conversationID == "early")
        #expect(line.takeOldest()?.conversationID == "middle")
        #expect(line.count == 1)
        for index in 0..<1_000 { line.enter("c\(index)", arrivalIndex: UInt64(100 + index)) }
        for index in 0..<1_000 { line.leave("c\(index)") }
        #expect(line.count == 1)
        #expect(line.takeOldest()?.conversationID == "late")
        #expect(line.takeOldest() == nil)
        #expect(line.isEmpty)
    }
}
