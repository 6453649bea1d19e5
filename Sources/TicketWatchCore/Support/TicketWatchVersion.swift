/// The version `--version` prints and requests name in their User-Agent.
public enum TicketWatchVersion {
    public static let current = "0.1.0"
}
