import Foundation

/// The hand-written helpdesk exports under Tests/Samples (one folder per source).
enum Samples {
    static func path(_ relative: String) -> String {
        TestPaths.repositoryRoot.appendingPathComponent("Tests/Samples").appendingPathComponent(relative).path
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// The 1-based line of the first line of `file` containing `needle`, counted independently of the loader.
    static func line(of needle: String, in relative: String) throws -> Int {
        let lines = try text(relative).components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.contains(needle) }) else { return -1 }
        return index + 1
    }
}
