import Testing

/// Every lifecycle command explains itself with an example.
@Suite struct LifecycleHelpTests {
    @Test(arguments: [["silence", "--help"], ["silence", "add", "--help"], ["silence", "list", "--help"],
                      ["silence", "remove", "--help"], ["alerts", "mark", "--help"], ["alerts", "--help"],
                      ["alerts", "list", "--help"], ["explain", "--help"]])
    func helpShowsAnExample(_ arguments: [String]) throws {
        let help = try Binary.run(arguments)
        #expect(help.status == 0)
        #expect(help.stdout.contains("Example:\n  ticketwatch "), "\(arguments.joined(separator: " "))")
    }
}
