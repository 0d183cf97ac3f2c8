import Foundation
import GRDB
import Synchronization

/// Group commit for the outbox (design.md "Durability"): writes that arrive while a
/// transaction is running wait, and are all committed together in the next one, which
/// starts as soon as the previous one ends. No timer: a lone write commits at once.
///
/// Leader hand-off instead of a background task: the caller that finds no commit running
/// commits the batch; when it ends, the first waiter of the next batch is woken as the
/// leader and commits everything that queued meanwhile. Every waiter is resumed after the
/// commit that holds its write.
actor GroupCommitter {
    enum Operation: Sendable {
        case insert([OutboxInsert])
        case settle([OutboxSettlement], Int64)
    }

    enum Result: Sendable {
        case inserted([OutboxInsertOutcome])
        case settled(Int)
    }

    private enum Wake: Sendable {
        case done(Swift.Result<Result, StorageError>)
        case lead
    }

    private struct Waiter {
        var operation: Operation
        var continuation: CheckedContinuation<Wake, Never>?
    }

    private let pool: DatabasePool
    private var queued: [Waiter] = []
    private var committing = false
    private let transactions = Atomic<Int>(0)

    init(pool: DatabasePool) {
        self.pool = pool
    }

    nonisolated var transactionCount: Int { transactions.load(ordering: .relaxed) }

    func submit(_ operation: Operation) async throws(StorageError) -> Result {
        if committing {
            let wake = await withCheckedContinuation { continuation in
                queued.append(Waiter(operation: operation, continuation: continuation))
            }
            switch wake {
            case .done(let result): return try result.get()
            case .lead: break  // our write is still queued; commit it with the others
            }
        } else {
            committing = true
            queued.append(Waiter(operation: operation, continuation: nil))
        }
        return try await lead()
    }

    /// Commits everything queued (our own write has no continuation), hands leadership on.
    private func lead() async throws(StorageError) -> Result {
        let batch = queued
        queued = []
        let operations = batch.map(\.operation)
        let outcome: Swift.Result<[Result], StorageError>
        do {
            // The commit belongs to every waiter of the batch, not to the leader alone: run it
            // in its own task so a cancelled leader (a client that hung up) cannot fail the
            // others' writes. Awaited right here, so it never outlives this call.
            let pool = self.pool
            let write = Task { try await pool.write { db in try Self.apply(operations, in: db) } }
            outcome = .success(try await write.value)
            transactions.add(1, ordering: .relaxed)
        } catch {
            outcome = .failure(StorageError(code: .writeFailed, message: "cannot commit \(operations.count) outbox writes", cause: error))
        }
        // Re-check after the await: more writes queued while we committed.
        var own: Swift.Result<Result, StorageError> = .failure(StorageError(code: .writeFailed, message: "no result"))
        for (index, waiter) in batch.enumerated() {
            let result = outcome.map { $0[index] }
            if let continuation = waiter.continuation {
                continuation.resume(returning: .done(result))
            } else {
                own = result
            }
        }
        if let next = queued.firstIndex(where: { $0.continuation != nil }), let continuation = queued[next].continuation {
            queued[next].continuation = nil
            continuation.resume(returning: .lead)
        } else {
            committing = false
        }
        return try own.get()
    }

    private static func apply(_ operations: [Operation], in db: Database) throws -> [Result] {
        var results: [Result] = []
        results.reserveCapacity(operations.count)
        for operation in operations {
            switch operation {
            case .insert(let messages):
                results.append(.inserted(try messages.map { try insert($0, in: db) }))
            case .settle(let settlements, let now):
                var changed = 0
                for settlement in settlements {
                    switch settlement.outcome {
                    case .acked(let conversationID):
                        try db.execute(
                            sql: "UPDATE outbox SET state = 'acked', conversation_id = ?, settled_at_ms = ? WHERE message_id = ? AND state = 'pending'",
                            arguments: [conversationID, now, Data(settlement.messageID)])
                    case .rejected(let reason):
                        try db.execute(
                            sql: "UPDATE outbox SET state = 'rejected', reason = ?, settled_at_ms = ? WHERE message_id = ? AND state = 'pending'",
                            arguments: [reason, now, Data(settlement.messageID)])
                    }
                    changed += db.changesCount
                }
                results.append(.settled(changed))
            }
        }
        return results
    }

    private static func insert(_ message: OutboxInsert, in db: Database) throws -> OutboxInsertOutcome {
        try db.execute(
            sql: """
                INSERT INTO outbox (message_id, channel_instance_id, provider_message_id, message_type, payload, created_at_ms)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (channel_instance_id, provider_message_id) DO NOTHING
                """,
            arguments: [
                Data(message.messageID), message.channelInstanceID, message.providerMessageID,
                Int64(message.messageType), Data(message.payload), message.createdAtMs,
            ])
        if db.changesCount == 1 {
            return OutboxInsertOutcome(messageID: message.messageID, duplicate: false, sequence: db.lastInsertedRowID)
        }
        let existing = try Row.fetchOne(
            db, sql: "SELECT seq, message_id FROM outbox WHERE channel_instance_id = ? AND provider_message_id = ?",
            arguments: [message.channelInstanceID, message.providerMessageID])
        guard let existing else {
            throw StorageError(code: .writeFailed, message: "outbox insert neither stored nor found a row")
        }
        return OutboxInsertOutcome(
            messageID: Array((existing["message_id"] as Data?) ?? Data()), duplicate: true, sequence: existing["seq"])
    }
}
