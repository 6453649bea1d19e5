import Foundation
import Testing

/// `make install` as a packager runs it: the real Makefile into a temporary DESTDIR with PREFIX=/usr, given the
/// debug binary these tests already built (a release build would double the suite's build time).
@Suite struct InstallTests {
    /// A command and what `--help` says it does, e.g. (["alerts", "mark"], "Record whether an alert was useful…").
    struct Command {
        let path: [String]
        let abstract: String
    }

    @Test func installPutsEveryCommandInTheManPageAndTheCompletions() throws {
        let root = try Self.install()
        let manPage = root + "/usr/share/man/man1/ticketwatch.1"
        let man = try Binary.run(executable: "/usr/bin/man", ["-P", "cat", "-l", manPage], environment: ["MANWIDTH": "1000"])
        #expect(man.status == 0)
        #expect(man.stderr.isEmpty, "groff warns: \(man.stderr.prefix(300))")
        let page = Self.words(man.stdout)
        let commands = try Self.commands(under: [])
        #expect(commands.count >= 13, "parsed \(commands.map(\.path))")
        for command in commands {
            // Each command is an item of the page: its name, then what it does (long lines: nothing hyphenated).
            #expect(page.contains(Self.words(command.path.last! + " " + command.abstract)),
                    "man page lacks `ticketwatch \(command.path.joined(separator: " "))`")
        }

        let bash = root + "/usr/share/bash-completion/completions/ticketwatch"
        let registered = try Binary.run(executable: "/bin/bash", ["-c", "source \"$0\"; complete -p ticketwatch", bash])
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(registered.stdout.contains("-F _ticketwatch ticketwatch"))
        // Completing after `ticketwatch ` and `ticketwatch alerts ` offers exactly the commands --help lists there.
        for parent in [[], ["alerts"]] as [[String]] {
            let words = (["ticketwatch"] + parent + [""]).map { "\"\($0)\"" }.joined(separator: " ")
            let script = """
                source "$0"; COMP_WORDS=(\(words)); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
                COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
                _ticketwatch ticketwatch "" "${COMP_WORDS[COMP_CWORD - 1]}"; printf '%s\\n' "${COMPREPLY[@]}"
                """
            let offered = try Binary.run(executable: "/bin/bash", ["-c", script, bash])
            #expect(offered.status == 0, "\(offered.stderr)")
            let names = Set(offered.stdout.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("-") })
            let expected = Set(commands.filter { $0.path.dropLast() == parent[...] }.map { $0.path.last! })
            #expect(!expected.isEmpty && names.subtracting(["help"]) == expected, "after \(parent): \(names)")
        }
        for (file, marker) in [("/usr/share/zsh/site-functions/_ticketwatch", "#compdef ticketwatch"),
                               ("/usr/share/fish/vendor_completions.d/ticketwatch.fish", "complete -c 'ticketwatch'")] {
            let text = try String(contentsOfFile: root + file, encoding: .utf8)
            let registers = text.contains(marker)
            #expect(registers, "\(file) lacks \(marker)")
            let missing = commands.filter { $0.path.count == 1 && !text.contains($0.path[0]) }.map(\.path)
            #expect(missing.isEmpty, "\(file) lacks \(missing)")
        }
    }

    @Test func installPointsTheServiceAtTheBinaryAndKeepsAChangedConfig() throws {
        let root = try Self.install()
        let installed = try String(contentsOfFile: root + "/usr/lib/systemd/system/ticketwatch.service", encoding: .utf8)
        let execStart = installed.split(separator: "\n").filter { $0.hasPrefix("ExecStart=") }
        #expect(execStart == ["ExecStart=/usr/bin/ticketwatch run --config /etc/ticketwatch/config.toml"])
        #expect(FileManager.default.isExecutableFile(atPath: root + "/usr/bin/ticketwatch"))
        #expect(FileManager.default.contentsEqual(atPath: root + "/usr/lib/systemd/system/ticketwatch.timer",
                                                  andPath: TestPaths.file("systemd/ticketwatch.timer").path))
        let config = root + "/etc/ticketwatch/config.toml"
        #expect(FileManager.default.contentsEqual(atPath: config, andPath: TestPaths.file("config.example.toml").path))

        // The operator's edit survives a second install and the uninstall; everything else goes.
        let edited = "[detect]\nsensitivity = \"low\"\n"
        try edited.write(toFile: config, atomically: true, encoding: .utf8)
        _ = try Self.install(into: root)
        #expect(try String(contentsOfFile: config, encoding: .utf8) == edited)
        try Self.make(["uninstall", "DESTDIR=\(root)", "PREFIX=/usr"])
        #expect(try Self.files(under: root) == ["etc/ticketwatch/config.toml"])

        // An unchanged example config is the install's own: it goes, and so does its directory.
        try FileManager.default.removeItem(atPath: config)
        _ = try Self.install(into: root)
        try Self.make(["uninstall", "DESTDIR=\(root)", "PREFIX=/usr"])
        #expect(try Self.files(under: root) == [])
        #expect(!FileManager.default.fileExists(atPath: root + "/etc/ticketwatch"))
    }

    /// Runs `make install` into `root` (a fresh temporary directory by default) and returns it.
    static func install(into root: String? = nil) throws -> String {
        let root = root ?? FileManager.default.temporaryDirectory.appendingPathComponent("tw-install-\(UUID().uuidString)").path
        let tool = URL(fileURLWithPath: Binary.path).deletingLastPathComponent().appendingPathComponent("generate-manual").path
        // Checked first: make would build it with `swift build`, which waits for the lock `swift test` holds.
        try #require(FileManager.default.isExecutableFile(atPath: tool),
                     "swift-argument-parser's generate-manual is missing: `swift build --product generate-manual` (make test does)")
        try make(["install", "DESTDIR=\(root)", "PREFIX=/usr", "BINARY=\(Binary.path)", "MANUAL_TOOL=\(tool)"])
        return root
    }

    static func make(_ arguments: [String]) throws {
        let result = try Binary.run(executable: "/usr/bin/make", ["-C", TestPaths.repositoryRoot.path] + arguments)
        try #require(result.status == 0, "make \(arguments.first!) failed: \(result.stderr.suffix(500))")
    }

    /// The regular files under `root`, relative to it, sorted.
    static func files(under root: String) throws -> [String] {
        let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return all.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    /// The commands `--help` lists under `parent` and, recursively, theirs (`help` itself is ArgumentParser's).
    static func commands(under parent: [String]) throws -> [Command] {
        let help = try Binary.run(parent + ["--help"])
        var found: [Command] = []
        var inList = false
        for line in help.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "SUBCOMMANDS:" { inList = true; continue }
            guard inList else { continue }
            if line.isEmpty { break }
            // "  name (default)          Abstract…" or a continuation line indented to the abstract's column.
            let text = line.drop { $0 == " " }
            if line.hasPrefix("   ") {
                found[found.count - 1] = Command(path: found.last!.path, abstract: found.last!.abstract + " " + text)
            } else {
                let name = String(text.prefix { $0 != " " })
                let abstract = text.components(separatedBy: "  ").filter { !$0.isEmpty }.dropFirst().joined()
                found.append(Command(path: parent + [name], abstract: abstract.trimmingCharacters(in: .whitespaces)))
            }
        }
        return try found.flatMap { [$0] + (try commands(under: $0.path)) }
    }

    /// Text with every run of white space made one space, so wrapping does not matter.
    static func words(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
