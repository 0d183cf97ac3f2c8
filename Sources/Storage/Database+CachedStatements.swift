import GRDB

// Hot-path statements go through the connection's statement cache: GRDB's `execute(sql:)` and
// `fetchOne(db, sql:)` parse the SQL on every call, and `sqlite3_prepare` was about 8 % of a
// distributor's CPU under load (decisions §21). Multi-statement SQL (migrations) stays uncached.
extension Database {
    /// Runs one SQL statement, prepared once per connection.
    func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension Database {
    /// GRDB's `inTransaction(.immediate)` with its `BEGIN` and `COMMIT` prepared once per
    /// connection: GRDB's own goes through `execute(sql:)`, which parses both again for every
    /// group commit (about 2 % of all the system's CPU under load, decisions §44). Any error
    /// rolls the transaction back and is thrown.
    func inImmediateTransaction<T>(_ body: () throws -> T) throws -> T {
        try executeCached(sql: "BEGIN IMMEDIATE TRANSACTION")
        do {
            let value = try body()
            try executeCached(sql: "COMMIT TRANSACTION")
            return value
        } catch {
            // Ends the transaction if SQLite has not already (GRDB's rollback checks which).
            try? rollback()
            throw error
        }
    }
}
