/// INSERT statements that write up to `rowsPerStatement` rows of one shape each, prepared once per row count and
/// reused. On a load, SQLite's fixed cost per statement step (not the row itself) dominated one row per step.
public final class MultiRowInsert {
    public let rowsPerStatement: Int
    public let columnsPerRow: Int
    private let database: Database
    private let head: String
    private let tail: String
    private var statements: [Int: Statement] = [:]

    /// `head` is `INSERT INTO t(a, b)`, `tail` anything after the VALUES list (`ON CONFLICT …`).
    public init(_ database: Database, head: String, columnsPerRow: Int, rowsPerStatement: Int, tail: String = "") {
        self.database = database
        self.head = head
        self.tail = tail
        self.columnsPerRow = columnsPerRow
        self.rowsPerStatement = rowsPerStatement
    }

    /// The statement for `rows` rows (1…rowsPerStatement); parameter `row * columnsPerRow + column + 1` is a value.
    public func statement(rows: Int) throws -> Statement {
        precondition((1...rowsPerStatement).contains(rows), "\(rows) rows for a statement of at most \(rowsPerStatement)")
        if let statement = statements[rows] { return statement }
        let row = "(" + Array(repeating: "?", count: columnsPerRow).joined(separator: ", ") + ")"
        let statement = try database.prepare(head + " VALUES " + Array(repeating: row, count: rows).joined(separator: ", ") + " " + tail)
        statements[rows] = statement
        return statement
    }

    /// Runs `rows` rows in as few statements as possible; `bind(statement, row, firstParameter)` binds one row.
    public func insert(rows: Int, _ bind: (Statement, Int, Int32) throws -> Void) throws {
        var done = 0
        while done < rows {
            let n = min(rowsPerStatement, rows - done)
            let statement = try statement(rows: n)
            for r in 0..<n {
                try bind(statement, done + r, Int32(r * columnsPerRow + 1))
            }
            while try statement.step() {}
            statement.reset()
            done += n
        }
    }
}

@available(*, unavailable, message: "its statements belong to one connection on one thread")
extension MultiRowInsert: Sendable {}
