import Foundation
import GRDB
import SwitchboardCore
import Testing

@testable import Storage

/// The hand-written record JSON (decisions §26) must read back as the record it was written
/// from, with every optional member set or not; and records JSONEncoder wrote (stores from
/// before) must still be read.
@Suite struct ConversationRecordJSONTests {
    static let full = ConversationRecord(
        id: "c/\"1\"\\\n\u{01}é😀", queue: "billing", workStream: "chat", state: .wrapUp, arrivedAtMs: -5, arrivalIndex: UInt64.max,
        agentID: "ada", held: Reservation(id: "c#1", agentID: "ada", units: 2, reason: .transfer, grantSequence: 4),
        pending: PendingOffer(
            offerID: "c#2", reservation: Reservation(id: "c#2", agentID: "grace", units: 1, reason: .affinity), stage: .offered,
            kind: .transfer, expiresAtMs: 61_000),
        declines: ["linus": 2, "ada": 1], attempts: 3, needsAgent: true, autoCloseAtMs: Int64.max, capacityReleaseAtMs: 0,
        releasing: [Reservation(id: "c#0", agentID: "bob", units: 1, grantSequence: 1), Reservation(id: "c#00", agentID: "eve", units: 3)],
        receivedThrough: 3, receivedAhead: [5, 9], forwardedThrough: 2, acknowledgedThrough: 1)
    static let bare = ConversationRecord(id: "c2", queue: "q", workStream: "w", arrivedAtMs: 0, arrivalIndex: 0)

    @Test(arguments: [full, bare])
    func aWrittenRecordReadsBackWhole(_ record: ConversationRecord) throws {
        let decoded = try JSONDecoder().decode(ConversationRecord.self, from: Data(ConversationRecordJSON.encode(record)))
        #expect(decoded == record)
    }

    @Test func recordsJSONEncoderWroteAreStillRead() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-record-json-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let path = try DataDirectory(path: root.path, process: "distributor-1").storePath(QueueStateStore.fileName)
        do {
            let store = try QueueStateStore(path: path)
            try await store.commit(QueueStateChange(conversations: [Self.bare]))
        }
        // Overwrite the stored record as the previous version wrote it.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let old = try encoder.encode(Self.full)
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE conversation SET id = ?, record = ?", arguments: [Self.full.id, old])
        }
        let store = try QueueStateStore(path: path)
        #expect(try await store.conversations() == [Self.full])
    }
}
