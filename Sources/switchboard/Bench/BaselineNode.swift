import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Storage
import Synchronization
import ZeroMQ

/// One process of the raw baseline pipeline (`switchboard bench-node`): what a Switchboard
/// hop costs without Switchboard's logic. It receives `[id, payload]` frames on a ROUTER,
/// stores each (SQLite with the stores' settings, group commit: whatever arrived during a
/// commit goes in the next one, no timer), then acks the sender and forwards the frame to the
/// next hop's ROUTER over a DEALER; the next hop's ack marks the row forwarded (a second
/// grouped write), as a journal marks a delivery done.
struct BaselineNode: Service {
    let role: String
    let listen: String
    let next: String
    let storePath: String
    let logger: Logger

    private struct Batch {
        var received: [(peer: [UInt8], id: [UInt8], payload: [UInt8])] = []
        var acknowledged: [[UInt8]] = []
        var isEmpty: Bool { received.isEmpty && acknowledged.isEmpty }
    }

    /// What arrived since the last commit began (shared by the receive loops and the committer).
    private final class Pending: Sendable {
        let batch = Mutex(Batch())
    }

    func run() async throws {
        let pool: DatabasePool
        do {
            pool = try StoreDatabase.open(path: storePath, migrations: [
                StoreMigration("1-messages") { db in
                    try db.execute(sql: "CREATE TABLE message (id BLOB PRIMARY KEY, payload BLOB NOT NULL, forwarded INTEGER NOT NULL DEFAULT 0)")
                }
            ])
        } catch {
            throw BenchError(.baselineFailed, "\(role): cannot open \(storePath)", cause: error)
        }
        let checkpointer = WALCheckpointer(writer: pool)  // as every store's group committer
        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context, name: "bench-node-\(role)")
        let (listen, next, role) = (self.listen, self.next, self.role)
        let inbound = try await loop.makeSocket(.router, receiveBufferSize: 1024) { socket in
            try socket.setSendHighWaterMark(100_000)
            try socket.setReceiveHighWaterMark(100_000)
            try socket.bind(listen)
        }
        let outbound = try await loop.makeSocket(.dealer, receiveBufferSize: 1024) { socket in
            try socket.setRoutingID(role)
            try socket.setSendHighWaterMark(100_000)
            try socket.setReceiveHighWaterMark(100_000)
            try socket.connect(next)
        }
        let pending = Pending()
        let (signal, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        logger.info("bench node ready", metadata: ["role": "\(role)", "listen": "\(listen)", "next": "\(next)"])

        // One thread, as every Switchboard process (decisions §22): the receive loops and
        // the committer run on the ZeroMQ loop, and the commit is synchronous there.
        await cancelWhenGracefulShutdown {
            await withTaskExecutorPreference(loop) {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    do {
                        for try await message in inbound.messages where message.frames.count == 3 {
                            pending.batch.withLock { $0.received.append((message.frames[0], message.frames[1], message.frames[2])) }
                            wake.yield()
                        }
                    } catch {}  // the socket closed: shutting down
                }
                group.addTask {
                    do {
                        for try await message in outbound.messages where message.frames.count == 1 {
                            pending.batch.withLock { $0.acknowledged.append(message.frames[0]) }
                            wake.yield()
                        }
                    } catch {}
                }
                group.addTask {
                    for await _ in signal {
                        let batch = pending.batch.withLock { batch in
                            let taken = batch
                            batch = Batch()
                            return taken
                        }
                        guard !batch.isEmpty else { continue }
                        do {
                            try Self.commit(batch, pool: pool)
                            checkpointer.noteCommit()
                            for item in batch.received {
                                try await inbound.send(Multipart([item.peer, item.id]))
                                try await outbound.send(Multipart([item.id, item.payload]))
                            }
                        } catch {
                            if Task.isCancelled { return }  // shutting down
                            logger.error("bench node failed", metadata: ["role": "\(role)", "error": "\(error)"])
                            return
                        }
                    }
                }
            }
            }
        }
        wake.finish()
        await loop.shutdown()
        try? context.terminate()
    }

    private static func commit(_ batch: Batch, pool: DatabasePool) throws {
        try pool.write { db in
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO message (id, payload) VALUES (?, ?)")
            for item in batch.received {
                try insert.execute(arguments: [Data(item.id), Data(item.payload)])
            }
            let forwarded = try db.cachedStatement(sql: "UPDATE message SET forwarded = 1 WHERE id = ?")
            for id in batch.acknowledged {
                try forwarded.execute(arguments: [Data(id)])
            }
        }
    }
}
