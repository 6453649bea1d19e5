import Foundation

/// Where tests find the repository's fixtures and tools and put their scratch warehouses.
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

    /// A file under Tests/Fixtures (see its README for how each was made).
    static func fixture(_ relativePath: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relativePath)
    }

    /// A file of the repository, such as `scripts/generate-tickets.py` or `Tests/oracle/notebook_oracle.py`.
    static func file(_ relativePath: String) -> URL {
        repositoryRoot.appendingPathComponent(relativePath)
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
