import CSQLite

/// A value going into or coming out of SQLite.
public enum SQLValue: Equatable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public var int: Int? {
        switch self {
        case .integer(let v): Int(v)
        case .real(let v): Int(v)
        case .text(let s): Int(s)
        case .null: nil
        }
    }

    public var double: Double? {
        switch self {
        case .integer(let v): Double(v)
        case .real(let v): v
        case .text(let s): Double(s)
        case .null: nil
        }
    }

    public var string: String? {
        switch self {
        case .text(let s): s
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .null: nil
        }
    }

    public var description: String { string ?? "NULL" }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
}

public extension SQLValue {
    init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    init(_ value: Int) { self = .integer(Int64(value)) }
    init(_ value: Double) { self = .real(value) }
}

/// One result row, by column position.
public struct Row: Sendable {
    public let values: [SQLValue]
    public subscript(_ index: Int) -> SQLValue { values[index] }
}

/// A prepared statement. It owns the `sqlite3_stmt*` (finalized in `deinit`) and keeps its connection alive.
///
/// Reuse it: bind, step until done, reset. Re-preparing per row costs more than the insert itself on a load.
public final class Statement {
    let handle: OpaquePointer
    let database: Database
    public let sql: String

    init(database: Database, sql: String) throws {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteError(code: rc, message: database.lastErrorMessage, sql: sql)
        }
        self.handle = statement
        self.database = database
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds values to the parameters in order (1-based in SQLite, 0-based here).
    public func bind(_ values: [SQLValue]) throws {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    public func bind(_ value: SQLValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let s): rc = sqlite3_bind_text(handle, index, s, -1, CSQLite_TRANSIENT())
        }
        try database.check(rc, sql: sql)
    }

    /// Binds bytes that SQLite does not copy (`SQLITE_STATIC`): the loader binds a whole batch straight from its
    /// own buffers. The caller keeps `bytes` alive and unmoved until the statement has been stepped and reset.
    public func bindBorrowedText(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32) throws {
        let rc: Int32
        if let base = bytes.baseAddress, !bytes.isEmpty {
            rc = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(handle, index, $0, Int32(bytes.count), nil)
            }
        } else {
            rc = sqlite3_bind_text(handle, index, "", 0, CSQLite_TRANSIENT())  // rare: copying is fine
        }
        try database.check(rc, sql: sql)
    }

    public func bindInt64(_ value: Int64, at index: Int32) throws {
        try database.check(sqlite3_bind_int64(handle, index, value), sql: sql)
    }

    public func bindNull(at index: Int32) throws {
        try database.check(sqlite3_bind_null(handle, index), sql: sql)
    }

    /// Advances to the next row; false when the statement is done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw SQLiteError(code: rc, message: database.lastErrorMessage, sql: sql)
        }
    }

    /// Runs the statement to completion, then resets it and clears its bindings for the next use.
    public func run(_ values: [SQLValue] = []) throws {
        defer { reset() }
        try bind(values)
        while try step() {}
    }

    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Resets for the next run but keeps the bindings, for a caller that binds every parameter before each step
    /// anyway: the loader's 32-row INSERTs, where clearing their 480 parameters each time was wasted work on
    /// the thread that bounds a load.
    public func resetKeepingBindings() {
        sqlite3_reset(handle)
    }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func columnName(_ index: Int) -> String {
        String(cString: sqlite3_column_name(handle, Int32(index)))
    }

    public func value(at index: Int) -> SQLValue {
        let i = Int32(index)
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, i))
        case SQLITE_NULL: return .null
        default:
            guard let text = sqlite3_column_text(handle, i) else { return .null }
            let count = Int(sqlite3_column_bytes(handle, i))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        }
    }

    /// The column's text as bytes, without a String; nil for NULL. Valid until the next `step` or `reset`.
    public func textBytes(at index: Int) -> UnsafeBufferPointer<UInt8>? {
        let i = Int32(index)
        guard sqlite3_column_type(handle, i) != SQLITE_NULL, let text = sqlite3_column_text(handle, i) else { return nil }
        return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, i)))
    }

    public func int64(at index: Int) -> Int64 { sqlite3_column_int64(handle, Int32(index)) }
    public func double(at index: Int) -> Double { sqlite3_column_double(handle, Int32(index)) }
    public func isNull(at index: Int) -> Bool { sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL }

    public func row() -> Row {
        Row(values: (0..<columnCount).map { value(at: $0) })
    }
}

@available(*, unavailable, message: "a prepared statement belongs to one connection on one thread")
extension Statement: Sendable {}
