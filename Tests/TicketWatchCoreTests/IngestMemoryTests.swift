import Foundation
import Testing
@testable import TicketWatchCore

/// Streaming: the loader's memory must not grow with the file. Measured on the real binary, under GNU time.
/// (The 1-million-ticket figure is measured by scripts/benchmark.sh.)
@Suite struct IngestMemoryTests {
    private func export(rows: Int) throws -> String {
        var text = "ticket_id,created_at,queue,priority,tags,subject\n"
        text.reserveCapacity(rows * 120)
        for i in 0..<rows {
            let day = 1 + i % 28
            text += "M\(i),2025-02-\(day < 10 ? "0" : "")\(day)T10:00:00Z,Queue \(i % 13),\(i % 4 == 0 ? "high" : "low"),"
            text += "tag\(i % 50) | tag\(i % 7) | shared,\"Subject line number \(i), with a comma\"\n"
        }
        return try writeTemporaryFile("rows-\(rows).csv", text)
    }

    @Test func peakMemoryStaysFlatAsTheFileGrows() throws {
        // Both loads outgrow the loader's page cache (Ingestor.cacheKiB): below it, memory grows with the cache.
        let small = try export(rows: 200_000), large = try export(rows: 400_000)
        let (a, peakA) = try Binary.runMeasuringMemory(["ingest", "--db", TestPaths.temporaryWarehousePath(), small])
        let (b, peakB) = try Binary.runMeasuringMemory(["ingest", "--db", TestPaths.temporaryWarehousePath(), large])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        #expect(b.stdout.contains("400000 loaded"))
        #expect(peakA > 1024 && peakB > 1024, "GNU time reported \(peakA), \(peakB)")
        // Twice the rows (about 20 MB more input) may not cost more than a few MiB more memory.
        let growthMiB = Double(peakB - peakA) / 1024
        #expect(growthMiB < 8, "peak RSS \(peakA) KiB for 200k rows, \(peakB) KiB for 400k")
        #expect(peakB < 128 * 1024)
    }
}
