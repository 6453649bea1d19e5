import Foundation
import Logging

/// Which warehouse a command uses: `--db`, else `$TICKETWATCH_DB`, else the config file's `db`, else
/// `./ticketwatch.db` (design.md's precedence: option, environment, file, default).
public enum WarehouseLocation {
    public static func resolve(_ explicit: String?, configured: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnv = environment["TICKETWATCH_DB"], !fromEnv.isEmpty { return fromEnv }
        if let configured, !configured.isEmpty { return configured }
        return "ticketwatch.db"
    }
}

public enum WarehouseError: Error, CustomStringConvertible {
    case newerSchema(path: String, found: Int, supported: Int)
    case timeZoneMismatch(path: String, stored: String, requested: String)
    case unknownTimeZone(String)
    case notAWarehouse(path: String, reason: String)

    public var description: String {
        switch self {
        case let .newerSchema(path, found, supported):
            "\(path): warehouse schema version \(found) is newer than this ticketwatch understands (\(supported)); install the newer ticketwatch that wrote it"
        case let .timeZoneMismatch(path, stored, requested):
            "\(path): the warehouse was created with time zone \(stored); --timezone \(requested) cannot change it (days already loaded would move). Use a new warehouse for another zone"
        case let .unknownTimeZone(name):
            "unknown time zone '\(name)': use an IANA name such as UTC or Europe/Berlin"
        case let .notAWarehouse(path, reason):
            "\(path) is not a usable TicketWatch warehouse: \(reason)"
        }
    }
}

/// The SQLite warehouse: one connection, configured (WAL, busy timeout, foreign keys), at the current schema.
public final class Warehouse {
    /// The schema version this binary writes; `Migrations` brings older warehouses here.
    public static let schemaVersion = 4
    /// How long a command waits for another process's write transaction (a concurrent ingest of a large file).
    public static let busyTimeoutMilliseconds: Int32 = 120_000

    public let db: Database
    public let path: String
    public let timeZone: TimeZone
    let logger: Logger

    /// Opens the warehouse at `path`, creating it when missing and migrating it to `schemaVersion`.
    /// `timeZone` (an explicit `--timezone`) is used when the warehouse is created, and for an existing one it
    /// must match what is stored. `defaultTimeZone` (the config file's) only applies to a new warehouse.
    public init(path: String, timeZone requestedZone: String? = nil, defaultTimeZone: String? = nil, logger: Logger) throws {
        self.path = path
        self.logger = logger
        let db = try Database(path: path)
        self.db = db
        db.setBusyTimeout(milliseconds: Warehouse.busyTimeoutMilliseconds)
        do {
            try Warehouse.askForWriteAheadLog(db)
        } catch let error as SQLiteError where error.primaryCode == 26 /* SQLITE_NOTADB */ {
            throw WarehouseError.notAWarehouse(path: path, reason: error.message)
        }
        try db.execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
        try Migrations.migrate(db, path: path, to: Warehouse.schemaVersion, logger: logger)
        self.timeZone = try Warehouse.settleTimeZone(db, path: path, requested: requestedZone, fallback: defaultTimeZone)
    }

    /// The first load into a warehouse with no tickets (its history, often millions of rows) is written with a
    /// rollback journal instead of the write-ahead log: with nothing stored there is almost nothing to journal,
    /// so every page is written once, where the WAL writes it twice (log, then checkpoint) — a fifth of a year's
    /// load. Readers wait for such a load instead of reading beside it, which costs nothing on an empty warehouse.
    /// SQLite allows the switch only when no other connection has the warehouse open; then this returns false and
    /// the load stays in WAL. Never waits for the lock.
    func switchToRollbackJournal() -> Bool {
        db.setBusyTimeout(milliseconds: 0)
        defer { db.setBusyTimeout(milliseconds: Warehouse.busyTimeoutMilliseconds) }
        let result: SQLValue? = try? db.scalar("PRAGMA journal_mode = DELETE")
        let mode = result?.string
        logger.debug("journal for the first load", metadata: ["mode": "\(mode ?? "unchanged")"])
        return mode == "delete"
    }

    /// Back to the write-ahead log after `switchToRollbackJournal`. Should another connection hold the lock, the
    /// next open (every open asks for WAL) switches instead.
    func switchToWriteAheadLog() {
        try? Warehouse.askForWriteAheadLog(db)
    }

    /// `PRAGMA journal_mode = WAL`, waiting like any other statement while another process writes: SQLite
    /// answers a journal-mode change with SQLITE_BUSY at once, without its busy handler, while a load holds the
    /// lock under a rollback journal (`switchToRollbackJournal`).
    private static func askForWriteAheadLog(_ db: Database) throws {
        let deadline = Date().addingTimeInterval(Double(busyTimeoutMilliseconds) / 1000)
        while true {
            do {
                try db.execute("PRAGMA journal_mode = WAL")
                return
            } catch let error as SQLiteError where error.isBusy && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    /// Stores the zone on first use; afterwards a different `--timezone` is an error, not a silent shift.
    private static func settleTimeZone(_ db: Database, path: String, requested: String?, fallback: String?) throws -> TimeZone {
        for name in [requested, fallback].compactMap({ $0 }) where TimeZone(identifier: name) == nil {
            throw WarehouseError.unknownTimeZone(name)
        }
        let stored = try db.scalar("SELECT value FROM settings WHERE key = 'timezone'")?.string
        if let stored {
            if let requested, requested != stored {
                throw WarehouseError.timeZoneMismatch(path: path, stored: stored, requested: requested)
            }
            guard let zone = TimeZone(identifier: stored) else { throw WarehouseError.unknownTimeZone(stored) }
            return zone
        }
        let name = requested ?? fallback ?? "UTC"
        try db.run("INSERT OR IGNORE INTO settings(key, value) VALUES ('timezone', ?)", [.text(name)])
        // A concurrent first run may have stored its zone first; the stored one wins.
        let winner = try db.scalar("SELECT value FROM settings WHERE key = 'timezone'")?.string ?? name
        if winner != name, requested != nil {
            throw WarehouseError.timeZoneMismatch(path: path, stored: winner, requested: name)
        }
        return TimeZone(identifier: winner)!
    }

    /// The text of schema.sql, compiled into the binary.
    public static var schemaSQL: String { String(decoding: PackageResources.schema_sql, as: UTF8.self) }
}

@available(*, unavailable, message: "owns a SQLite connection; use it from one thread")
extension Warehouse: Sendable {}
