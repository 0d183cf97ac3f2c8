import Foundation
import GRDB
import Testing

@testable import Storage

@Suite struct StoreDatabaseTests {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("switchboard-storage-\(UUID().uuidString)")

    private let createItems = [
        StoreMigration("v1-items") { db in try db.execute(sql: "CREATE TABLE item (id TEXT PRIMARY KEY, body TEXT NOT NULL)") }
    ]

    @Test func opensInWALModeWithNormalSynchronousAndRunsMigrations() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try DataDirectory(path: root.path, process: "router")
        let pool = try StoreDatabase.open(path: directory.storePath("journal"), migrations: createItems)

        let (journalMode, synchronous) = try pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(journalMode == "wal")
        #expect(synchronous == 1)  // NORMAL
        try pool.write { db in try db.execute(sql: "INSERT INTO item VALUES ('a', 'hello')") }
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("router/journal.sqlite").path))
    }

    @Test func reopeningKeepsDataAndDoesNotRerunMigrations() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let path = try DataDirectory(path: root.path, process: "router").storePath("journal")
        do {
            let pool = try StoreDatabase.open(path: path, migrations: createItems)
            try pool.write { db in try db.execute(sql: "INSERT INTO item VALUES ('a', 'hello')") }
        }
        // A second open would fail on "table item already exists" if v1 ran again.
        let pool = try StoreDatabase.open(path: path, migrations: createItems)
        #expect(try pool.read { db in try String.fetchOne(db, sql: "SELECT body FROM item WHERE id = 'a'") } == "hello")
    }

    @Test func refusesAFileWithMigrationsThisBuildDoesNotKnow() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let path = try DataDirectory(path: root.path, process: "router").storePath("journal")
        let newer = createItems + [StoreMigration("v2-more") { db in try db.execute(sql: "CREATE TABLE more (id TEXT)") }]
        _ = try StoreDatabase.open(path: path, migrations: newer)

        let error = #expect(throws: StorageError.self) { try StoreDatabase.open(path: path, migrations: createItems) }
        #expect(error?.code == .newerSchema)
    }

    @Test func aFailingMigrationIsReportedAndRolledBack() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let path = try DataDirectory(path: root.path, process: "router").storePath("journal")
        let broken = [
            StoreMigration("v1") { db in
                try db.execute(sql: "CREATE TABLE item (id TEXT)")
                try db.execute(sql: "THIS IS NOT SQL")
            }
        ]
        let error = #expect(throws: StorageError.self) { try StoreDatabase.open(path: path, migrations: broken) }
        #expect(error?.code == .migrationFailed)
        let pool = try StoreDatabase.open(path: path, migrations: [])
        #expect(try pool.read { db in try db.tableExists("item") } == false)
    }

    @Test func aDataDirectoryThatIsAFileIsAClearError() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: root.appendingPathComponent("router"))
        let error = #expect(throws: StorageError.self) { try DataDirectory(path: root.path, process: "router") }
        #expect(error?.code == .dataDirectoryUnusable)
        #expect(error?.message.contains("is not a directory") == true)
    }
}
