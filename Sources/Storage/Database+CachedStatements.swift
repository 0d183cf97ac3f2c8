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
