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

/// `alerts` lists by default, so its own help must lead to the listing options: a person told an alert was
/// withdrawn looks there for how to see it.
@Suite struct AlertsGroupHelpTests {
    @Test func theGroupsHelpNamesEveryListingOptionAndPointsAtListHelp() throws {
        let group = try Binary.run(["alerts", "--help"])
        let list = try Binary.run(["alerts", "list", "--help"]), mark = try Binary.run(["alerts", "mark", "--help"])
        #expect(group.status == 0 && list.status == 0 && mark.status == 0)
        // Help is wrapped to the terminal's width: compare words, not lines.
        let text = group.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("`ticketwatch alerts list --help`"))
        #expect(text.contains("--withdrawn to include the alerts a later detection withdrew"))
        // Every option of `list` that is its own (not shared with `mark`: the warehouse's, help) is named.
        let options = { (help: Binary.Result) in
            Set(help.stdout.matches(of: /--[a-z][a-z-]+/).map { String($0.output) })
        }
        let listing = options(list).subtracting(options(mark))
        #expect(listing.contains("--since") && listing.contains("--withdrawn"), "\(listing.sorted())")
        for option in listing.sorted() {
            #expect(text.contains(option + " "), "`alerts --help` does not name \(option)")
        }
    }
}
