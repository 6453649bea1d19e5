import Foundation

/// Where tests find the shared fixtures and put their scratch warehouses.
enum TestPaths {
    /// The package root: the nearest directory above this file holding Package.swift.
    static let repositoryRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    /// `shared/` sits beside the clone (/work/main and /work/shared; the same layout in CI).
    static let sharedDirectory: URL = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")

    static func shared(_ relativePath: String) -> URL {
        sharedDirectory.appendingPathComponent(relativePath)
    }

    /// A fresh path in its own new temporary directory (room for the -wal and -shm files), unique per call so
    /// tests running in parallel never share a warehouse.
    static func temporaryWarehousePath() -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("ticketwatch-tests-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("warehouse.db").path
    }
}
