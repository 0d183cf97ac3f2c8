import GRDB

/// Opens the SQLite file of one store with the settings every Switchboard store shares,
/// and brings its schema up to date.
///
/// Why these settings (design.md, "Durability"):
/// - WAL journal (a `DatabasePool` always uses it): readers never block the writer.
/// - `synchronous = NORMAL`: in WAL mode a commit survives a process crash (kill -9), which
///   is the failure the store-and-forward promises are about; only an OS crash or power
///   loss may lose the last commits. Callers commit in groups, so the cost is per batch.
/// - `wal_autocheckpoint = 0`: SQLite would checkpoint inside the commit that crosses 1,000
///   WAL pages, a 10–26 ms stall of that acknowledgement; `WALCheckpointer` does it in the
///   background instead (every `GroupCommitter` has one).
/// - a busy timeout instead of immediate SQLITE_BUSY, for the rare second connection
///   (`switchboard status` reading a live store).
public enum StoreDatabase {
    /// Opens (creating when missing) the file at `path` and runs `migrations` in order.
    /// Each migration runs once per file, in a transaction; a file whose schema has
    /// migrations this build does not know is refused rather than misread.
    public static func open(
        path: String,
        migrations: [StoreMigration]
    ) throws(StorageError) -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }

        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StorageError(code: .openFailed, message: "cannot open SQLite store \(path)", cause: error)
        }

        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.identifier, migrate: migration.migrate)
        }
        do {
            if try pool.read({ db in try migrator.hasBeenSuperseded(db) }) {
                throw StorageError(
                    code: .newerSchema,
                    message: "\(path) was written by a newer Switchboard; refusing to open it with this one")
            }
            try migrator.migrate(pool)
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(code: .migrationFailed, message: "cannot migrate SQLite store \(path)", cause: error)
        }
        return pool
    }
}

/// One step of a store's schema, identified forever by its `identifier`: once shipped,
/// a migration is never edited, only followed by new ones.
public struct StoreMigration: Sendable {
    public let identifier: String
    public let migrate: @Sendable (Database) throws -> Void

    public init(_ identifier: String, migrate: @escaping @Sendable (Database) throws -> Void) {
        self.identifier = identifier
        self.migrate = migrate
    }
}

extension DatabasePool {
    /// A read on the calling thread, through the writer's connection: a store whose callers
    /// run on their process's event loop commits on that thread too (decisions §22), so the
    /// writer is free there and its page cache holds what the last commits wrote. A reader
    /// connection found its cache stale after every commit and read the pages again, and
    /// took its own locks: together about a tenth of a distributor's CPU (decisions §26).
    /// Off the loop (tests, a loop that stopped) the call waits for the writer, as briefly as
    /// a commit lasts.
    ///
    /// Every caller runs a single statement, which SQLite reads from one snapshot by itself,
    /// so no transaction is opened around it. A read of more than one statement that must
    /// agree with itself uses `read`. Never call it from inside a write.
    func readHere<T>(_ body: (Database) throws -> T) throws -> T {
        try writeWithoutTransaction(body)
    }
}
