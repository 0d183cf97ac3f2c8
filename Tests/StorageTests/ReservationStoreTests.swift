import Foundation
import GRDB
import SwitchboardCore
import Testing

@testable import Storage

@Suite struct ReservationStoreTests {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("switchboard-reservations-\(UUID().uuidString)")

    func reservation(_ id: String, agent: String = "ada", over: Bool = false) -> CapacityReservation {
        CapacityReservation(
            id: id, agentID: agent, conversationID: "c-\(id)", units: 2, reason: over ? .pick : .push,
            queue: over ? nil : "billing", overCapacity: over, grantedAtMs: 1_700_000_000_000)
    }

    func path() throws -> String {
        try DataDirectory(path: root.path, process: "presence").storePath("reservations")
    }

    @Test func emptyStoreLoadsNothing() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let restored = try ReservationStore.open(path: path()).load()
        #expect(restored == PresenceStateMachine.Restored())
    }

    @Test func reopeningKeepsReservationsPresencesAndTheSequence() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let path = try path()
        do {
            let store = try ReservationStore.open(path: path)
            try await store.write(.init(granted: [reservation("r1"), reservation("r2", over: true)], lastSequence: 5))
            try await store.write(.init(released: ["r1", "unknown"], chosenPresences: ["ada": "Lunch"], lastSequence: 6))
        }
        let restored = try ReservationStore.open(path: path).load()
        #expect(restored.reservations == [reservation("r2", over: true)])
        #expect(restored.chosenPresences == ["ada": "Lunch"])
        #expect(restored.lastSequence == 6)
    }

    /// Kept answers for absent agents: bounded per agent (the newest stay), old ones go when a
    /// newer one is kept, and an agent's are forgotten once given to its new session.
    @Test func keptAnswersAreBoundedPerAgentAndForgottenOnceGiven() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try ReservationStore.open(path: path())
        let start: Int64 = 1_700_000_000_000
        func answer(_ agent: String, _ n: Int, at: Int64? = nil) -> ReservationStore.KeptAnswer {
            .init(agentID: agent, atMs: at ?? start + Int64(n), frame: #"{"n":\#(n)}"#)
        }
        try await store.write(.init(keptAnswers: [answer("grace", 0, at: start - ReservationStore.keptAnswerLifetimeMs - 1)]))
        for n in 1...(ReservationStore.keptAnswersPerAgent + 5) {
            try await store.write(.init(keptAnswers: [answer("ada", n)]))
        }
        try await store.write(.init(keptAnswers: [answer("grace", 1)]))
        let kept = try store.keptAnswers()
        let adas = kept.filter { $0.agentID == "ada" }
        #expect(adas.count == ReservationStore.keptAnswersPerAgent)
        #expect(adas.first == answer("ada", 6) && adas.last == answer("ada", ReservationStore.keptAnswersPerAgent + 5))
        #expect(kept.filter { $0.agentID == "grace" } == [answer("grace", 1)], "the old one went when a newer one was kept")

        try await store.write(.init(answersDelivered: ["ada"]))
        #expect(try store.keptAnswers() == [answer("grace", 1)])
    }

    /// The same chosen presence again writes nothing; a new one replaces it.
    @Test func anUnchangedPresenceWritesNothingAndANewOneReplacesIt() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let path = try path()
        try await ReservationStore.open(path: path).write(.init(chosenPresences: ["ada": "Lunch"]))
        let pool = try StoreDatabase.open(path: path, migrations: ReservationStore.migrations)
        func rowsChanged(by batch: ReservationStore.Batch) async throws -> Int {
            try await pool.write { db in
                try ReservationStore.apply(batch, in: db)
                return db.changesCount
            }
        }
        #expect(try await rowsChanged(by: .init(chosenPresences: ["ada": "Lunch"])) == 0)
        #expect(try await rowsChanged(by: .init(chosenPresences: ["ada": "available"])) == 1)
        #expect(try ReservationStore.open(path: path).load().chosenPresences == ["ada": "available"])
    }

    /// A store written before v3 (reservations in a rowid table) keeps its reservations, now in
    /// a table keyed by id alone (decisions §49).
    @Test func reservationsWrittenBeforeTheRowidlessTableAreKept() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let path = try path()
        do {
            let old = try StoreDatabase.open(path: path, migrations: Array(ReservationStore.migrations.prefix(2)))
            try await old.write { db in
                try ReservationStore.apply(.init(granted: [reservation("r1"), reservation("r2", agent: "grace", over: true)]), in: db)
            }
        }
        let store = try ReservationStore.open(path: path)
        #expect(try store.load().reservations == [reservation("r1"), reservation("r2", agent: "grace", over: true)])
        try await store.write(.init(granted: [reservation("r3")], released: ["r1"]))
        #expect(try store.load().reservations.map(\.id) == ["r2", "r3"])
        let pool = try StoreDatabase.open(path: path, migrations: ReservationStore.migrations)
        #expect(try await pool.read { db in try Bool.fetchOne(db, sql: "SELECT wr FROM pragma_table_list WHERE name = 'reservation'") } == true)
    }

    @Test func theSequenceNeverGoesDown() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try ReservationStore.open(path: path())
        try await store.write(.init(lastSequence: 9))
        try await store.write(.init(lastSequence: 3))
        #expect(try store.load().lastSequence == 9)
    }

    @Test func manyConcurrentWritersAreAllCommittedAndResumed() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try ReservationStore.open(path: path())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1...200 {
                group.addTask {
                    try await store.write(.init(granted: [reservation("r\(index)")], lastSequence: UInt64(index)))
                }
            }
            try await group.waitForAll()
        }
        let restored = try store.load()
        #expect(restored.reservations.count == 200)
        #expect(restored.lastSequence == 200)
        #expect(store.lastError == nil)
    }

    @Test func enqueueOrderIsCommitOrder() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try ReservationStore.open(path: path())
        // Grant then release of the same id, enqueued back to back: the release must win.
        let first = store.enqueue(.init(granted: [reservation("r1")]))
        let second = store.enqueue(.init(released: ["r1"]))
        #expect(first < second)
        try await store.waitUntilCommitted(second)
        try await store.waitUntilCommitted(first)  // already committed: returns at once
        #expect(try store.load().reservations.isEmpty)
    }
}
