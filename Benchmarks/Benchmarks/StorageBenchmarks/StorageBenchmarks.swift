// What one group commit of each process's typical write costs, on the real stores (SQLite
// WAL, the stores' settings, GRDB), without the processes around them.
//
// A conversation costs about seven commits over the system's processes (the bench's "commits
// of writes" figures), and storage is the largest share of the router's and the
// distributors' CPU in a saturated `switchboard bench` (perf with DWARF call graphs): this
// measures that share alone. On a shared VM its p50 still moves by up to a third between
// runs and its p0 by up to a quarter, so compare several runs of each side; a whole-system
// bench run moves as much and mixes every other cost in.
//
// Each store commits on the benchmark's thread, as each process commits on its event loop
// (decisions §22): the `CommitSchedule` keeps the loop's idle callback, and the sample runs
// it. The journal and the queue state start with 20,000 conversations, so their b-trees have
// a loaded deployment's depth; presence holds 200 reservations, granting and releasing.
//
// Run from Benchmarks/:  swift package --disable-sandbox benchmark --target StorageBenchmarks

import Benchmark
import Foundation
import Storage
import SwitchboardCore
import Synchronization

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        warmupIterations: 200,
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 20_000
    )

    // Each on a fresh fixture (its own files), so no benchmark measures another's leftovers.
    let samples: [(String, @Sendable (StoreFixture, Benchmark) -> Void)] = [
        ("router: a new conversation's Submit (message, conversation, delivery), one commit", { $0.journalSubmit($1) }),
        ("distributor: a Deliver (new record and delivery), one commit", { $0.distributorDeliver($1) }),
        ("distributor: a record's state change, one commit", { $0.distributorStateChanges($1, count: 1) }),
        ("distributor: 10 records' state changes, one commit", { $0.distributorStateChanges($1, count: 10) }),
        ("presence: a reservation granted or released, one commit", { $0.presenceReservation($1) }),
    ]
    for (name, sample) in samples {
        let box = StoreBox()
        Benchmark(
            name, closure: { benchmark in box.fixture.map { sample($0, benchmark) } },
            setup: { box.fixture = try StoreFixture() }, teardown: { box.fixture = nil })
    }
}

final class StoreBox: @unchecked Sendable {
    var fixture: StoreFixture?
}

/// The loop's idle callbacks, run by the sample instead of a loop.
final class IdleCallbacks: Sendable {
    private let pending = Mutex<[@Sendable () -> Void]>([])

    var schedule: CommitSchedule {
        CommitSchedule(runWhenIdle: { [self] callback in
            pending.withLock { $0.append(callback) }
            return true
        })
    }

    /// Runs what the stores queued, as the loop does once no job is ready: the group commits.
    func runAll() {
        while true {
            let callbacks = pending.withLock { pending in
                let callbacks = pending
                pending.removeAll()
                return callbacks
            }
            if callbacks.isEmpty { return }
            for callback in callbacks { callback() }
        }
    }
}

final class StoreFixture: @unchecked Sendable {
    static let prefilled = 20_000

    let folder: URL
    let idle = IdleCallbacks()
    let journal: JournalStore
    let queueState: QueueStateStore
    let reservations: ReservationStore
    var counter = 0
    /// The records the state-change samples rewrite, in turn.
    var records: [ConversationRecord] = []
    var granted: [String] = []

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("storage-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        journal = try JournalStore(path: folder.appendingPathComponent("journal.sqlite").path, commits: idle.schedule)
        queueState = try QueueStateStore(path: folder.appendingPathComponent("queue-state.sqlite").path, commits: idle.schedule)
        reservations = try ReservationStore.open(path: folder.appendingPathComponent("reservations.sqlite").path, commits: idle.schedule)
        // Prefill in groups of 500 (fast), then one record per sample from here on.
        for start in stride(from: 0, to: Self.prefilled, by: 500) {
            for _ in start..<(start + 500) {
                enqueueSubmit()
                enqueueDeliver()
            }
            idle.runAll()
        }
        records = (0..<1_000).map { _ in Self.record(randomUUID()) }
        queueState.enqueue(QueueStateChange(conversations: records), failed: { _ in })
        idle.runAll()
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    static func record(_ id: String) -> ConversationRecord {
        ConversationRecord(
            id: id, queue: "q-1", workStream: "ws-0", arrivedAtMs: 1_700_000_000_000, arrivalIndex: 1, receivedThrough: 1)
    }

    /// Random keys, as the processes' ids are (b-tree inserts land anywhere): two draws of the
    /// system generator each, about what the router pays for an id. Not `UUID()`, which opens
    /// /dev/urandom each time, nor a byte at a time, a system call per byte.
    var random = SystemRandomNumberGenerator()

    func randomID() -> Data {
        var bytes = Data(count: 16)
        let (high, low) = (random.next(), random.next())
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (index * 8))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (index * 8))
        }
        return bytes
    }

    /// A conversation id shaped like the router's (a lower-case UUID string), from the same draws.
    func randomUUID() -> String {
        let bytes = randomID()
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15])).uuidString.lowercased()
    }

    /// A 420-byte payload, about a bench Submit's.
    static let payload = Data(repeating: 0x2a, count: 420)

    private func enqueueSubmit() {
        counter += 1
        let inbound = JournalInbound(
            messageID: randomID(), channelInstance: "bench-\(counter % 2)", providerMessageID: "bench-m-\(counter)",
            customerKey: "bench-customer-\(counter)", receivedAtMs: 1_700_000_000_000 + Int64(counter), payload: Self.payload)
        let conversation = JournalNewConversation(id: randomUUID(), workStream: "ws-0", queue: "q-\(counter % 4)", routingRule: "rule-48")
        journal.enqueueInbound(
            inbound, newConversation: conversation, deliveryID: randomID(), nowMs: 1_700_000_000_000 + Int64(counter),
            makePayload: { _ in Self.payload }, completion: { _ in })
    }

    private func enqueueDeliver() {
        counter += 1
        let id = randomUUID()
        let delivery = StoredDelivery(messageID: [UInt8](randomID()), conversationID: id, sequence: 1, payload: [UInt8](Self.payload))
        queueState.enqueue(QueueStateChange(conversations: [Self.record(id)], deliveries: [delivery]), failed: { _ in })
    }

    func journalSubmit(_ benchmark: Benchmark) {
        for _ in benchmark.scaledIterations {
            enqueueSubmit()
            idle.runAll()
        }
    }

    func distributorDeliver(_ benchmark: Benchmark) {
        for _ in benchmark.scaledIterations {
            enqueueDeliver()
            idle.runAll()
        }
    }

    func distributorStateChanges(_ benchmark: Benchmark, count: Int) {
        for _ in benchmark.scaledIterations {
            var changed: [ConversationRecord] = []
            for _ in 0..<count {
                counter += 1
                var record = records[counter % records.count]
                record.state = record.state == .open ? .active : .open
                record.agentID = record.state == .active ? "agent-\(counter % 20)" : nil
                records[counter % records.count] = record
                changed.append(record)
            }
            queueState.enqueue(QueueStateChange(conversations: changed), failed: { _ in })
            idle.runAll()
        }
    }

    func presenceReservation(_ benchmark: Benchmark) {
        for _ in benchmark.scaledIterations {
            counter += 1
            if granted.count < 200 || counter % 2 == 0 {
                let id = randomUUID()
                granted.append(id)
                let reservation = CapacityReservation(
                    id: id, agentID: "agent-\(counter % 20)", conversationID: randomUUID(), units: 1, reason: .push,
                    queue: "q-1", overCapacity: false, grantedAtMs: 1_700_000_000_000 + Int64(counter))
                _ = reservations.enqueue(ReservationStore.Batch(granted: [reservation]))
            } else {
                _ = reservations.enqueue(ReservationStore.Batch(released: [granted.removeFirst()]))
            }
            idle.runAll()
        }
    }
}
