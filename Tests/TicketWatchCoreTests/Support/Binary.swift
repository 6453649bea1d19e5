import Foundation

/// Runs the real `ticketwatch` executable, as users and systemd do, and captures what it prints.
///
/// Spawned with posix_spawn and reaped with wait4 (not Foundation's Process, which reaps on its own thread):
/// wait4 gives the child's peak memory, which the memory tests assert on.
enum Binary {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        /// Peak resident memory of the process, in KiB.
        let maxRSSKiB: Int
    }

    /// The executable built beside the test bundle (`swift build --build-tests` builds both).
    static let path: String = {
        let candidates = [
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
            var usage = rusage()
            while wait4(pid, &status, 0, &usage) == -1, errno == EINTR {}
            let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            defer { try? FileManager.default.removeItem(at: dir) }
            return Result(
                status: exitStatus,
                stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                maxRSSKiB: Int(usage.ru_maxrss))
        }
    }

    static func run(executable: String, _ arguments: [String], stdin: Data? = nil,
                    environment: [String: String] = [:]) throws -> Result {
        try spawn(executable: executable, arguments, stdin: stdin, environment: environment).wait()
    }
}
