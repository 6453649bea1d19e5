import Foundation

/// Resolves `Settings` from the layers, weakest first: built-in defaults, the config file, the environment, the
/// command-line options. The same inputs give the same settings in any process: settings apply in
/// `SettingsTable`'s order, and every layer is read through the same table.
public struct SettingsResolver {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// `options`: each option given on the command line (name without dashes) with its values in the order given
    /// (several for a repeatable one). An option not given is absent; so is one given as an empty string.
    public func resolve(file: SettingsFile?, options: [String: [String]] = [:]) throws -> Settings {
        var settings = Settings()
        settings.file = file?.path
        settings.destinations = file?.destinations ?? []
        settings.sources = file?.sources ?? []
        for name in options.keys.sorted() where SettingsTable.setting(option: name) == nil {
            throw SettingError("--\(name): not a setting (no row in SettingsTable)", origin: .option)
        }
        for setting in SettingsTable.all {
            for (origin, value) in try layers(of: setting, file: file, options: options) {
                setting.store(&settings, value)
                settings.origins[setting.key] = origin
                // A deprecated key sets what its replacements set now: say so where they are shown.
                for replacement in setting.replacedBy { settings.origins[replacement] = origin }
            }
        }
        try readHolidaysFile(into: &settings)
        try checkDetector(settings)
        return settings
    }

    /// Adds the dates of `[calendar] holidays_file` to the holidays; a line that is not a date is refused with the
    /// file and line.
    private func readHolidaysFile(into settings: inout Settings) throws {
        guard let path = settings.detect.holidaysFile else { return }
        let origin = settings.origin(of: "calendar.holidays_file")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SettingError("holidays file \(path): cannot be read; check the path (calendar.holidays_file)",
                               origin: origin)
        }
        var dates = Set(settings.detect.defaultDetector.holidays)
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let date = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard !date.isEmpty else { continue }
            guard CivilDate(date) != nil else {
                throw SettingError("holidays file \(path), line \(number + 1): '\(date)' is not a date (YYYY-MM-DD)",
                                   origin: origin)
            }
            dates.insert(date)
        }
        settings.detect.defaultDetector.holidays = dates.sorted()
    }

    /// The values that apply, weakest first: only the strongest one, or every one for names by id, which add up.
    private func layers(of setting: Setting, file: SettingsFile?,
                        options: [String: [String]]) throws -> [(SettingOrigin, SettingValue)] {
        var found: [(SettingOrigin, SettingValue)] = []
        if let value = file?.values[setting.key] { found.append((.file, value)) }
        if let variable = setting.environment, let text = environment[variable], !text.isEmpty {
            switch setting.parse(text: text) {
            case .success(let value): found.append((.environment, value))
            case .failure(let problem):
                throw SettingError("$\(variable)\(setting.secret ? "" : "=\(text)"): \(problem.problem)",
                                   origin: .environment)
            }
        }
        if let option = setting.option {
            for text in options[option] ?? [] where !text.isEmpty {
                switch setting.parse(text: text) {
                case .success(let value): found.append((.option, value))
                case .failure(let problem):
                    throw SettingError("--\(option)\(setting.secret ? "" : " \(text)"): \(problem.problem)",
                                       origin: .option)
                }
            }
        }
        switch setting.kind {
        case .names, .scale:
            return found
        case .values:
            // A repeated option is one list; it replaces the file's.
            let given = found.filter { $0.0 == .option }
            if given.count > 1 { return [(.option, .list(given.flatMap { $0.1.list }))] }
            return found.last.map { [$0] } ?? []
        default:
            return found.last.map { [$0] } ?? []
        }
    }

    /// What the detectors cannot use together, said with where each value came from; and an option for one
    /// detector given while the other runs, which would change nothing.
    private func checkDetector(_ settings: Settings) throws {
        let defaultKeys = (SettingsTable.defaultDetector + SettingsTable.calendar).map(\.key) + ["detect.high_priorities"]
        let seedKeys = SettingsTable.seedDetector.map(\.key)
        let notForThisOne = settings.detect.detector == SeedDetector.name ? defaultKeys : seedKeys
        let given = notForThisOne.filter { settings.origin(of: $0) >= .environment }
        if let key = given.first, let option = SettingsTable.setting(key)?.option {
            let running = settings.detect.detector
            let other = running == SeedDetector.name ? DefaultDetector.name : SeedDetector.name
            throw SettingError("--\(option) applies to the \(other) detector, and --detector is \(running); "
                               + "leave it out or run that detector",
                               origin: .option)
        }
        if let problem = settings.detect.defaultDetector.problem {
            let options = defaultKeys.filter { settings.origin(of: $0) == .option }
                .compactMap { SettingsTable.setting($0)?.option.map { "--\($0)" } }
            let inFile = defaultKeys.filter { settings.origin(of: $0) == .file }
            if let file = settings.file, options.isEmpty, !inFile.isEmpty {
                throw ConfigError(file: file, key: "detect.default", problem: problem)
            }
            throw SettingError("the default detector's settings: \(problem) (given: "
                               + (options + inFile.map { "\($0) in \(settings.file ?? "the config file")" })
                .joined(separator: ", ") + ")", origin: options.isEmpty ? .environment : .option)
        }
    }
}
