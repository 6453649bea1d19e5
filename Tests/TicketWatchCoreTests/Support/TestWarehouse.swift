import Foundation
import Logging
@testable import TicketWatchCore

/// A fresh warehouse file per test, opened through the real `Warehouse` (schema, pragmas, migration).
func makeWarehouse(timeZone: String? = nil, path: String = TestPaths.temporaryWarehousePath()) throws -> Warehouse {
    try Warehouse(path: path, timeZone: timeZone, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
}

let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// Writes `text` to a new temporary file named `name` and returns its path.
func writeTemporaryFile(_ name: String, _ text: String) throws -> String {
    try writeTemporaryFile(name, Data(text.utf8))
}

func writeTemporaryFile(_ name: String, _ data: Data) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ticketwatch-input-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(name).path
    try data.write(to: URL(fileURLWithPath: path))
    return path
}

extension Warehouse {
    func ingest(_ paths: [String], options: IngestOptions = IngestOptions()) throws -> [FileSummary] {
        try Ingestor(warehouse: self, options: options, logger: quietLogger).ingest(paths)
    }

    func count(_ table: String, where condition: String = "1") throws -> Int {
        try db.scalar("SELECT count(*) FROM \(table) WHERE \(condition)")?.int ?? -1
    }

    /// Every row of every table, as text: two dumps are equal only if the warehouse content is.
    func dump() throws -> String {
        let tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap { $0[0].string }
        return try tables.map { table in
            let rows = try db.query("SELECT * FROM \(table)")
                .map { $0.values.map(\.description).joined(separator: "\u{1f}") }
                .sorted()
            return table + ":\n" + rows.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
