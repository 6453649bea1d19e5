/// A problem in the configuration file: which file, which key, what is wrong — so it can be fixed without
/// reading the source.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let file: String
    /// Dotted path of the key (`detect.seed.window`, `destinations[2].kind`), or nil for the file as a whole.
    public let key: String?
    public let problem: String

    public init(file: String, key: String?, problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
    }

    public var description: String {
        if let key { return "\(file): \(key): \(problem)" }
        return "\(file): \(problem)"
    }
}
