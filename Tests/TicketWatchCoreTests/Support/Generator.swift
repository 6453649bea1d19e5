import Foundation
import Testing

/// The project's own labelled stream generator (scripts/generate-tickets.py), as the tests call it.
enum Generator {
    /// Writes a stream to `out` and its truth to `truth` (both paths); `arguments` are the generator's options,
    /// such as `["--seed", "5", "--days", "150"]`. Records the generator's message when it fails.
    static func write(_ out: String, truth: String, _ arguments: [String]) throws {
        try python([TestPaths.file("scripts/generate-tickets.py").path, "--out", out, "--truth", truth] + arguments)
    }

    /// Runs `python3` with `arguments`; a failure is recorded with its stderr and stops the test.
    static func python(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try Binary.run(executable: "/usr/bin/env", ["python3"] + arguments)
        if result.status != 0 {
            Issue.record("python3 \(arguments.first ?? "") failed (\(result.status)): \(result.stderr)",
                         sourceLocation: sourceLocation)
            throw CancellationError()
        }
    }
}
