import Foundation
import GRDB
import Storage
import Wire

/// Reads what the chaos run's processes stored, after they stopped: the router's journal
/// (provider message id → conversation → queue) and each distributor's queue state
/// (conversation → queue, state). Files are opened read-only, so nothing is migrated or changed.
enum ChaosStores {
    static func read(dataDirectory: String, distributors: [String], adapters: [String] = []) throws(ChaosError) -> ChaosEvidence.Stores {
        var stores = ChaosEvidence.Stores()
        // A webhook answered 2xx and not yet in the journal may still be in its adapter's
        // outbox (the router was down or behind): in flight, not lost.
        for adapter in adapters {
            let outbox = URL(fileURLWithPath: dataDirectory).appendingPathComponent("\(adapter)/\(OutboxStore.fileName).sqlite").path
            guard FileManager.default.fileExists(atPath: outbox) else { continue }
            try query(outbox) { db in
                for id in try String.fetchAll(db, sql: "SELECT provider_message_id FROM outbox WHERE state = 'pending'") {
                    if let number = number(providerMessageID: id) { stores.outboxPending.insert(number) }
                }
            }
        }
        let journal = URL(fileURLWithPath: dataDirectory).appendingPathComponent("router/\(JournalStore.fileName).sqlite").path
        try query(journal) { db in
            for row in try Row.fetchAll(db, sql: "SELECT provider_message_id, conversation_id FROM inbound_message") {
                guard let number = number(providerMessageID: row["provider_message_id"]) else { continue }
                stores.journalConversations[number, default: []].append(row["conversation_id"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, queue FROM conversation") {
                stores.journalQueue[row["id"]] = row["queue"]
            }
            let pending = try String.fetchAll(db, sql: "SELECT conversation_id FROM delivery WHERE state = 'pending' AND kind = 'newConversation'")
            stores.journalPending = Set(pending)
        }
        for name in distributors {
            let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent("\(name)/\(QueueStateStore.fileName).sqlite").path
            var held: [String: ChaosEvidence.QueuedConversation] = [:]
            var purged: [String: String] = [:]
            try query(path) { db in
                for row in try Row.fetchAll(db, sql: "SELECT id, queue, state FROM conversation") {
                    held[row["id"]] = ChaosEvidence.QueuedConversation(queue: row["queue"], state: row["state"])
                }
                let firsts = try Row.fetchAll(
                    db, sql: "SELECT conversation_id, payload FROM delivery WHERE conversation_id NOT IN (SELECT id FROM conversation) AND sequence <= 1")
                for row in firsts {
                    let payload: Data = row["payload"]
                    guard case .deliver(let deliver)? = try? WireCodec.decodeStored([UInt8](payload)).message else { continue }
                    purged[row["conversation_id"]] = deliver.queue
                }
            }
            stores.distributorConversations[name] = held
            stores.distributorPurged[name] = purged
        }
        return stores
    }

    /// The chaos conversation number of a webhook's provider message id (`bench-m-<n>`).
    static func number(providerMessageID: String?) -> Int? {
        guard let id = providerMessageID, id.hasPrefix(prefix) else { return nil }
        return Int(id.dropFirst(prefix.count))
    }

    private static let prefix = "bench-m-"

    private static func query(_ path: String, _ read: (Database) throws -> Void) throws(ChaosError) {
        guard FileManager.default.fileExists(atPath: path) else { throw ChaosError(.storeUnreadable, "\(path) does not exist") }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read(read)
        } catch {
            throw ChaosError(.storeUnreadable, "cannot read \(path)", cause: error)
        }
    }
}
