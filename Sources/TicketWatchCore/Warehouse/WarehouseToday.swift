import Foundation

extension Warehouse {
    /// Today's date in the warehouse's time zone: the day every alert date and silence end is compared with.
    public func today(now: Date = Date()) -> CivilDate {
        CivilDate(daysSinceEpoch: Int(floor(
            (now.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: now))) / 86_400)))
    }
}
