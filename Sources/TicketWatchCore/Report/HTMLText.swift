/// Escaping for text placed in HTML or inline SVG: element content and quoted attribute values alike.
/// Every name that comes from ticket data (queues, tags, subjects) goes through here, so a tag called
/// `<script>alert(1)</script>` shows as text.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newline cannot appear in HTML text.
                if scalar.value < 0x20, scalar != "\t", scalar != "\n" { out += "&#xFFFD;" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
