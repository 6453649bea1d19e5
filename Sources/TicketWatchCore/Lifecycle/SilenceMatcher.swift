/// What a silence covers, from `--match`: the same words people see in the `level` and `signal` columns, so a
/// silence can be written by copying from `ticketwatch alerts`.
///
/// - `global`, `queue:Billing`, `tag:outage`: exactly that level (names are case-sensitive, as stored);
/// - `queue:Billing*`, `tag:*`: every level starting with what comes before the trailing `*`;
/// - `signal:high_rate`: every alert of that signal, at any level;
/// - `*`: every alert.
/// Only a trailing `*` is special: a name that contains `*` elsewhere is matched literally.
public struct SilenceMatcher: Sendable, Equatable, CustomStringConvertible {
    enum Rule: Equatable {
        case level(String)
        case levelPrefix(String)
        case signal(String)
        case everything
    }

    let rule: Rule
    public let description: String

    public init(_ text: String) throws {
        description = text
        if text == "*" {
            rule = .everything
        } else if text.hasPrefix("signal:") {
            let name = String(text.dropFirst("signal:".count))
            guard !name.isEmpty, !name.contains("*") else {
                throw LifecycleError.badMatcher(text, problem: "signal: takes one signal name, e.g. signal:high_rate")
            }
            rule = .signal(name)
        } else if text == "global" {
            rule = .level(text)
        } else if text.hasPrefix("queue:") || text.hasPrefix("tag:") {
            if text.hasSuffix("*") {
                rule = .levelPrefix(String(text.dropLast()))
            } else {
                guard !text.hasSuffix(":") else {
                    throw LifecycleError.badMatcher(text, problem: "a queue or tag name is missing (queue:* covers every queue)")
                }
                rule = .level(text)
            }
        } else {
            throw LifecycleError.badMatcher(text, problem: "it does not start with global, queue:, tag:, signal: or *")
        }
    }

    public func covers(signal: String, level: String) -> Bool {
        switch rule {
        case .everything: true
        case .signal(let name): signal == name
        // Compared as UTF-8 bytes, as SQLite compares the stored names: no Unicode normalisation surprises.
        case .level(let exact): level.utf8.elementsEqual(exact.utf8)
        case .levelPrefix(let prefix): level.utf8.starts(with: prefix.utf8)
        }
    }
}
