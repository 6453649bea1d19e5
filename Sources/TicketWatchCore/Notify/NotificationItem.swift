/// What a person sees as one entry of a notification: one incident on one day with all its alerts, or one alert
/// that belongs to no incident.
///
/// The default detector sets `incident` on related rows (one surge seen in a queue and its tags); showing each of
/// those rows separately would flood the channel with one event. The seed detector sets none, so each of its
/// alerts is its own item. Deliveries stay per alert either way.
public struct NotificationItem: Sendable, Equatable {
    public let date: String
    public let incident: String?
    /// Strongest first (highest z), so the first line says what matters most.
    public let alerts: [Alert]

    public var lead: Alert { alerts[0] }

    /// Groups alerts into items: by incident and date when the incident is set, one item per alert otherwise.
    /// Items come in date order, then in the order of their lead alerts (signal, level).
    public static func group(_ alerts: [Alert]) -> [NotificationItem] {
        var order: [String] = []
        var groups: [String: [Alert]] = [:]
        for alert in alerts {
            let key = alert.incident.map { "incident\u{0}\($0)\u{0}\(alert.date)" } ?? "alert\u{0}\(alert.id)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(alert)
        }
        let items = order.map { key -> NotificationItem in
            let members = groups[key]!.sorted { a, b in
                a.z != b.z ? a.z > b.z : Alert.precedes(a, b)
            }
            return NotificationItem(date: members[0].date, incident: members[0].incident, alerts: members)
        }
        return items.sorted { a, b in
            a.date != b.date ? a.date.utf8.lexicographicallyPrecedes(b.date.utf8) : Alert.precedes(a.lead, b.lead)
        }
    }
}
