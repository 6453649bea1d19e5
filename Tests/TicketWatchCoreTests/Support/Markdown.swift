import Foundation

/// Just enough Markdown for the documentation tests: headings, relative links and fenced code blocks, read the way
/// GitHub renders them, so a test can hold the docs to what a reader will click and copy.
struct Markdown {
    /// One line of the file, and whether it sits inside a fenced code block (where `#` and `[x](y)` are text).
    private struct Line {
        let number: Int
        let text: String
        let inFence: Bool
    }

    struct Link: Equatable {
        let line: Int
        let target: String
    }

    struct CodeBlock {
        let language: String
        let text: String
    }

    private let lines: [Line]
    private let fences: [(info: String, range: Range<Int>)]

    init(_ text: String) {
        var lines: [Line] = []
        var fences: [(String, Range<Int>)] = []
        var open: (info: String, start: Int, marker: String)?
        for (index, raw) in text.components(separatedBy: "\n").enumerated() {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if let fence = open {
                lines.append(Line(number: index + 1, text: raw, inFence: true))
                if trimmed == fence.marker {
                    fences.append((fence.info, fence.start..<index))
                    open = nil
                }
            } else if trimmed.hasPrefix("```") {
                open = (String(trimmed.dropFirst(3)).trimmingCharacters(in: .whitespaces), index + 1, "```")
                lines.append(Line(number: index + 1, text: raw, inFence: true))
            } else {
                lines.append(Line(number: index + 1, text: raw, inFence: false))
            }
        }
        self.lines = lines
        self.fences = fences
    }

    /// The headings' GitHub anchors, in order, with GitHub's `-1`, `-2` suffixes for repeated ones.
    var anchors: [String] {
        var seen: [String: Int] = [:]
        return lines.compactMap { line -> String? in
            guard !line.inFence, let heading = Self.headingText(line.text) else { return nil }
            let slug = Self.slug(heading)
            defer { seen[slug, default: 0] += 1 }
            return seen[slug].map { "\(slug)-\($0)" } ?? slug
        }
    }

    /// Every link and image target outside code: `[text](target)` and `![alt](target)`, inline code spans left out.
    var links: [Link] {
        lines.filter { !$0.inFence }.flatMap { line -> [Link] in
            let prose = line.text.replacingOccurrences(of: "`[^`]*`", with: "", options: .regularExpression)
            let pattern = try! NSRegularExpression(pattern: #"\]\(([^)\s]+)\)"#)
            let range = NSRange(prose.startIndex..., in: prose)
            return pattern.matches(in: prose, range: range).map {
                Link(line: line.number, target: String(prose[Range($0.range(at: 1), in: prose)!]))
            }
        }
    }

    /// The fenced blocks between the heading `section` and the next heading of the same or a higher level.
    func codeBlocks(inSection section: String) -> [CodeBlock] {
        guard let start = lines.firstIndex(where: { !$0.inFence && Self.headingText($0.text) == section }) else {
            return []
        }
        let level = Self.headingLevel(lines[start].text)
        let end = lines[(start + 1)...].firstIndex {
            !$0.inFence && Self.headingText($0.text) != nil && Self.headingLevel($0.text) <= level
        } ?? lines.count
        return fences.filter { $0.range.lowerBound > start && $0.range.upperBound <= end }.map { fence in
            CodeBlock(language: fence.info,
                      text: lines[fence.range].map(\.text).joined(separator: "\n"))
        }
    }

    /// GitHub's heading anchor: lower-cased, punctuation (backticks, colons, commas, dots, brackets) dropped,
    /// letters, digits, `-` and `_` kept, each space a `-`.
    static func slug(_ heading: String) -> String {
        String(heading.lowercased().compactMap { character -> Character? in
            if character == " " { return "-" }
            if character == "-" || character == "_" || character.isLetter || character.isNumber { return character }
            return nil
        })
    }

    private static func headingLevel(_ text: String) -> Int {
        text.prefix { $0 == "#" }.count
    }

    private static func headingText(_ text: String) -> String? {
        let level = headingLevel(text)
        guard (1...6).contains(level), text.dropFirst(level).first == " " else { return nil }
        return text.dropFirst(level + 1).trimmingCharacters(in: .whitespaces)
    }
}
