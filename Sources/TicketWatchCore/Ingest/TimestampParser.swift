import Foundation

/// A ticket's creation time, resolved against the warehouse's time zone.
public struct ResolvedTimestamp: Equatable, Sendable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let epochSeconds: Int
    /// The calendar day in the warehouse's zone: the day aggregates and alerts use.
    public let day: CivilDate

    /// UTC, ISO 8601 with 'Z', as stored in `tickets.created_at`.
    public var utcText: String {
        let arena = ByteArena(capacity: 32)
        writeUTCText(to: arena)
        return String(decoding: arena.span(0, arena.count), as: UTF8.self)
    }

    /// Appends `utcText`'s bytes without building a String (once per ticket on a load).
    func writeUTCText(to arena: ByteArena) {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : -((-epochSeconds + 86_399) / 86_400)
        let secs = epochSeconds - days * 86_400
        let date = CivilDate(daysSinceEpoch: days)
        guard (0...9999).contains(date.year) else {
            // Outside four-digit years (only reachable through a zone shift at the calendar's edge).
            var text = "\(date)T\(Self.two(secs / 3600)):\(Self.two(secs / 60 % 60)):\(Self.two(secs % 60))Z"
            text.withUTF8 { _ = arena.append($0) }
            return
        }
        arena.append(count: 20) { p in
            date.writeText(to: p)
            p[10] = UInt8(ascii: "T")
            CivilDate.writeDigits(secs / 3600, width: 2, to: p + 11)
            p[13] = UInt8(ascii: ":")
            CivilDate.writeDigits(secs / 60 % 60, width: 2, to: p + 14)
            p[16] = UInt8(ascii: ":")
            CivilDate.writeDigits(secs % 60, width: 2, to: p + 17)
            p[19] = UInt8(ascii: "Z")
        }
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}

/// Reads ISO 8601 dates and timestamps, the forms helpdesk exports write:
/// `2025-01-31`, `2025-01-31T09:15`, `2025-01-31 09:15:00`, `…:00.123`, with `Z`, `+01:00`, `+0100` or `+01`.
///
/// A timestamp with an offset is an instant, converted into the warehouse's zone before its day is taken; one
/// without is already local to that zone (design.md), so its written date is its day.
public struct TimestampParser {
    public let timeZone: TimeZone
    private let isUTC: Bool
    /// Zone offsets by hour since the epoch: `TimeZone.secondsFromGMT(for:)` is too slow to call per ticket.
    private var offsetCache: [Int: Int] = [:]

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        self.isUTC = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 0
            && timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 15_778_800)) == 0
            && (timeZone.identifier == "UTC" || timeZone.identifier == "GMT" || timeZone.identifier == "Etc/UTC")
    }

    /// Why a text is not a timestamp, for `ingest_rejects.reason`.
    public static let expectedForm = "expected an ISO 8601 date such as 2025-01-31 or 2025-01-31T09:15:00Z"

    public mutating func parse(_ text: String) -> ResolvedTimestamp? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    public mutating func parse(bytes raw: UnsafeBufferPointer<UInt8>) -> ResolvedTimestamp? {
        // Trim ASCII spaces and tabs around the value.
        var lo = 0, hi = raw.count
        while lo < hi, raw[lo] == 0x20 || raw[lo] == 0x09 { lo += 1 }
        while hi > lo, raw[hi - 1] == 0x20 || raw[hi - 1] == 0x09 { hi -= 1 }
        var text = Cursor(raw: raw, i: lo, end: hi)

        guard let year = text.digits(4), text.take(0x2d), let month = text.digits(2), text.take(0x2d),
              let dayOfMonth = text.digits(2),
              let date = CivilDate(year: year, month: month, day: dayOfMonth) else { return nil }
        var secondsOfDay = 0
        var offset: Int?  // seconds east of UTC, when the text carries one
        if !text.atEnd {
            guard text.take(0x54) || text.take(0x74) || text.take(0x20) else { return nil }  // 'T', 't' or ' '
            guard let hour = text.digits(2), hour < 24, text.take(0x3a), let minute = text.digits(2), minute < 60
            else { return nil }
            var second = 0
            if text.take(0x3a) {
                guard let s = text.digits(2), s <= 60 else { return nil }
                second = min(s, 59)  // a leap second belongs to the same day
                if text.take(0x2e) || text.take(0x2c) {  // fraction: kept out of the stored second
                    guard text.skipDigits() > 0 else { return nil }
                }
            }
            secondsOfDay = hour * 3600 + minute * 60 + second
            if !text.atEnd {
                if text.take(0x5a) || text.take(0x7a) {  // 'Z'
                    offset = 0
                } else if text.take(0x2b) || text.peek(0x2d) {
                    let sign = text.take(0x2d) ? -1 : 1
                    guard let oh = text.digits(2), oh <= 18 else { return nil }
                    var om = 0
                    if text.take(0x3a) || !text.atEnd {
                        guard let m = text.digits(2), m < 60 else { return nil }
                        om = m
                    }
                    offset = sign * (oh * 3600 + om * 60)
                } else {
                    return nil
                }
            }
        }
        guard text.atEnd else { return nil }

        let localSeconds = date.daysSinceEpoch * 86_400 + secondsOfDay
        if let offset {
            let epoch = localSeconds - offset
            return ResolvedTimestamp(epochSeconds: epoch, day: dayInZone(epoch: epoch))
        }
        // Local to the warehouse's zone: the written date is the day.
        let epoch = isUTC ? localSeconds : localSeconds - zoneOffset(nearLocal: localSeconds)
        return ResolvedTimestamp(epochSeconds: epoch, day: date)
    }

    private mutating func dayInZone(epoch: Int) -> CivilDate {
        let local = isUTC ? epoch : epoch + zoneOffset(atEpoch: epoch)
        return CivilDate(daysSinceEpoch: Int((Double(local) / 86_400).rounded(.down)))
    }

    private mutating func zoneOffset(atEpoch epoch: Int) -> Int {
        let hour = Int((Double(epoch) / 3600).rounded(.down))
        if let cached = offsetCache[hour] { return cached }
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(epoch)))
        if offsetCache.count > 100_000 { offsetCache.removeAll(keepingCapacity: true) }
        offsetCache[hour] = offset
        return offset
    }

    /// The offset in force at a local wall-clock time (for a time skipped or repeated by a DST change, the
    /// offset before the change, as most tools do).
    private mutating func zoneOffset(nearLocal local: Int) -> Int {
        let guess = zoneOffset(atEpoch: local)
        return zoneOffset(atEpoch: local - guess)
    }
}

/// Reads a time stamp's bytes left to right. A struct with mutating methods rather than closures over a local
/// index: captured locals are checked for exclusive access at run time, once per character, on every ticket.
private struct Cursor {
    let raw: UnsafeBufferPointer<UInt8>
    var i: Int
    let end: Int

    var atEnd: Bool { i >= end }

    func peek(_ c: UInt8) -> Bool { i < end && raw[i] == c }

    mutating func take(_ c: UInt8) -> Bool {
        guard peek(c) else { return false }
        i += 1
        return true
    }

    /// Exactly `n` ASCII digits as a number.
    mutating func digits(_ n: Int) -> Int? {
        guard i + n <= end else { return nil }
        var v = 0
        for k in i..<(i + n) {
            let c = raw[k]
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        i += n
        return v
    }

    /// Skips a run of digits; returns how many.
    mutating func skipDigits() -> Int {
        let start = i
        while i < end, raw[i] >= 0x30, raw[i] <= 0x39 { i += 1 }
        return i - start
    }
}
