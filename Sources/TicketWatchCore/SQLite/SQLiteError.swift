import CSQLite

/// Every non-OK SQLite result becomes this one error: the result code, SQLite's own message and the SQL that
/// failed, so a person reading a log line knows what went wrong and where without a debugger.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (extended codes carry extra detail in their high bits).
    public var primaryCode: Int32 { code & 0xff }

    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }
    public var isDiskFull: Bool { primaryCode == SQLITE_FULL }
    public var isConstraint: Bool { primaryCode == SQLITE_CONSTRAINT }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if isBusy {
            text += " (another process holds the warehouse; try again when it has finished)"
        } else if isDiskFull {
            text += " (the disk holding the warehouse is full; free space and run the command again: nothing was committed)"
        }
        if let sql {
            let oneLine = sql.split(whereSeparator: \.isNewline).joined(separator: " ")
            text += " — in: \(oneLine.prefix(200))"
        }
        return text
    }
}
