import Foundation

/// Runs the real `ticketwatch` executable, as users and systemd do, and captures what it prints.
///
/// Spawned with posix_spawn and reaped with wait4 (not Foundation's Process, which reaps on its own thread), so
/// a test can also start a run and kill it.
enum Binary {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The executable built beside the test bundle (`swift build --build-tests` builds both).
    static let path: String = {
        let candidates = [
            // On Linux the test runner is an executable in the build directory (`--scratch-path DIR/debug/`):
            // the binary beside it is the one built with these tests, not whatever `.build` holds.
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ticketwatch").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("ticketwatch").path,
            TestPaths.repositoryRoot.appendingPathComponent(".build/debug/ticketwatch").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        try run(executable: path, arguments, stdin: stdin, environment: environment)
    }

    /// Starts the process and returns its pid without waiting (for tests that run two at once).
    static func spawn(executable: String = path, _ arguments: [String], stdin: Data? = nil,
                      environment: [String: String] = [:]) throws -> Running {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let inPath = dir.appendingPathComponent("stdin").path
        let outPath = dir.appendingPathComponent("stdout").path
        let errPath = dir.appendingPathComponent("stderr").path
        FileManager.default.createFile(atPath: inPath, contents: stdin ?? Data())

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var argv = ([executable] + arguments).map { strdup($0) }
        argv.append(nil)
        defer { argv.forEach { free($0) } }
        let env = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        var envp = env.map { strdup("\($0.key)=\($0.value)") }
        envp.append(nil)
        defer { envp.forEach { free($0) } }

        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard rc == 0 else {
            throw NSError(domain: NSPOSIXErrorDomain, code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "spawn \(executable)"])
        }
        return Running(pid: pid, outPath: outPath, errPath: errPath, dir: dir)
    }

    struct Running {
        let pid: pid_t
        let outPath: String
        let errPath: String
        let dir: URL

        func wait() -> Result {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, errno == EINTR {}
            let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            defer { try? FileManager.default.removeItem(at: dir) }
            return Result(
                status: exitStatus,
                stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        }
    }

    static func run(executable: String, _ arguments: [String], stdin: Data? = nil,
                    environment: [String: String] = [:]) throws -> Result {
        try spawn(executable: executable, arguments, stdin: stdin, environment: environment).wait()
    }

    /// Runs the binary under GNU time and returns its peak resident memory in KiB as well.
    ///
    /// Not wait4's ru_maxrss: a child spawned from this (large) test process starts with the parent's
    /// high-water mark, which the kernel carries across exec. GNU time forks the command from its own small
    /// process, so the figure is the command's own.
    static func runMeasuringMemory(_ arguments: [String]) throws -> (Result, peakKiB: Int) {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("tw-time-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let result = try run(executable: "/usr/bin/time", ["-f", "%M", "-o", report, path] + arguments)
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        return (result, Int(text.split(whereSeparator: \.isNewline).last ?? "") ?? -1)
    }
}
