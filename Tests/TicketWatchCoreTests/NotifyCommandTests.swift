import Foundation
import Testing
@testable import TicketWatchCore

/// `ticketwatch notify`, the real executable, against a real receiver on 127.0.0.1, on a warehouse built from
/// ticket data with hostile queue and tag names (ingest, then the seed detector with low thresholds).
@Suite struct NotifyCommandTests {
    static let hostileCSV: String = {
        var rows = ["id,created_at,queue,priority,tags"]
        for day in 1...10 {
            for index in 0..<3 { rows.append("t\(day)-\(index),2025-01-\(String(format: "%02d", day)),Billing,low,ok") }
        }
        for index in 0..<6 { rows.append("c\(index),2025-01-10,<!channel>,high,<@U024BE7LH> | <!here>") }
        for index in 0..<6 { rows.append("l\(index),2025-01-10,\"<https://evil.example|click>\",high,Tom & Jerry | <!subteam^S1>") }
        return rows.joined(separator: "\n") + "\n"
    }()

    /// A warehouse with the 8 alerts of the hostile data (all on 2025-01-10); returns its path and the alert ids.
    static func hostileWarehouse() throws -> (db: String, ids: [String]) {
        let db = TestPaths.temporaryWarehousePath()
        let csv = try writeTemporaryFile("hostile.csv", hostileCSV)
        let ingest = try Binary.run(["ingest", "--db", db, csv])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let detect = try Binary.run(["detect", "--db", db, "--detector", "seed", "--queue-threshold", "1",
                                     "--tag-threshold", "1", "--total-threshold", "1", "--high-rate-threshold", "1"])
        #expect(detect.status == 0 && detect.stdout.contains("8 alerts — 8 new"), "\(detect.stdout)\(detect.stderr)")
        let json = try Binary.run(["alerts", "--db", db, "--format", "json"])
        let alerts = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]] ?? []
        return (db, alerts.compactMap { $0["id"] as? String })
    }

    static func ids(in requests: [TestHTTPServer.Request]) -> [String] {
        requests.flatMap { ($0.json?["alerts"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
    }

    @Test func hostileQueueAndTagNamesReachSlackAsHarmlessText() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (db, ids) = try Self.hostileWarehouse()
        #expect(ids.count == 8)
        let file = try writeTemporaryFile("slack-url", "oncall=\(server.url("/ok/T0/B0/SECRETTOKEN"))\n")
        let result = try Binary.run(["notify", "--db", db, "--slack-file", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("slack oncall (127.0.0.1): 8 alerts delivered in 1 post (1 attempt)"))

        let request = try #require(server.requests.first)
        let json = try #require(request.json, "the Slack body parses as JSON")
        #expect(json["text"] is String && (json["blocks"] as? [Any])?.isEmpty == false)
        #expect(!request.bodyText.contains("<") && !request.bodyText.contains(">"), "no live mention, link or markup at all")
        for readable in ["&lt;!channel&gt;", "&lt;@U024BE7LH&gt;", "&lt;!here&gt;", "&lt;https://evil.example|click&gt;",
                         "Tom &amp; Jerry", "&lt;!subteam^S1&gt;"] {
            #expect(request.bodyText.contains(readable), "\(readable) is readable")
        }
    }

    @Test func twoRunsInARowDeliverEveryAlertExactlyOnceToEachDestination() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (db, ids) = try Self.hostileWarehouse()
        let arguments = ["notify", "--db", db, "--slack", "flaky=\(server.url("/flaky/T0/B0/S1"))",
                         "--webhook", "limited=\(server.url("/limited/h1"))", "--retry-for", "10"]

        let first = try Binary.run(arguments)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("slack flaky (127.0.0.1): 8 alerts delivered in 1 post (3 attempts)"))
        #expect(first.stdout.contains("webhook limited (127.0.0.1): 8 alerts delivered in 1 post (2 attempts)"))

        let second = try Binary.run(arguments)
        #expect(second.status == 0)
        #expect(second.stdout.contains("slack flaky (127.0.0.1): nothing new") && second.stdout.contains("webhook limited (127.0.0.1): nothing new"))

        #expect(server.requests(to: "/flaky/T0/B0/S1").map(\.path).count == 3, "500, 500, 200 — and nothing on the second run")
        let webhook = server.requests(to: "/limited/h1")
        #expect(webhook.count == 2, "429, then 200 after Retry-After")
        #expect(Self.ids(in: [webhook[1]]).sorted() == ids.sorted())
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.db.scalar("SELECT count(*) FROM deliveries WHERE status = 'delivered'")?.int == 16)
        #expect(try warehouse.db.scalar("SELECT count(*) FROM deliveries")?.int == 16)
    }

    @Test func aReceiverThatTimesOutLeavesAlertsPendingAndTheNextRunDeliversThem() throws {
        let hanging = HangSwitch()
        let server = try TestHTTPServer.standard(hanging: hanging)
        defer { server.stop() }
        let (db, ids) = try Self.hostileWarehouse()
        let arguments = ["notify", "--db", db, "--webhook", "ops=\(server.url("/hang/h1"))", "--timeout", "1", "--retry-for", "1"]

        let first = try Binary.run(arguments)
        #expect(first.status == 1)
        #expect(first.stdout.contains("webhook ops (127.0.0.1): 8 alerts still pending — timed out after 1 s"), "\(first.stdout)")
        #expect(first.stderr.contains("1 of 1 destinations did not get every alert; pending alerts go out on the next run"))

        hanging.isOn = false
        let second = try Binary.run(arguments)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("webhook ops (127.0.0.1): 8 alerts delivered in 1 post (1 attempt)"))
        #expect(Self.ids(in: [server.requests(to: "/hang/h1").last!]).sorted() == ids.sorted())
    }

    @Test func plainHTTPToAnotherHostIsRefusedAndTheOtherDestinationsStillGo() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (db, _) = try Self.hostileWarehouse()
        let result = try Binary.run(["notify", "--db", db, "--slack", "http://example.com/services/T0/B0/SECRETTOKEN",
                                     "--webhook", "ops=\(server.url("/ok/w"))"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("ticketwatch: error: slack (--slack #1): plain http:// is refused for example.com"), "\(result.stderr)")
        #expect(result.stderr.contains("Use https://"))
        #expect(!result.stderr.contains("SECRETTOKEN") && !result.stdout.contains("SECRETTOKEN"))
        #expect(result.stdout.contains("webhook ops (127.0.0.1): 8 alerts delivered"))
        #expect(server.requests.count == 1)
    }

    /// An https URL to a host that is not loopback is used, not refused. There is no network, and no packet may
    /// leave the machine: the host has a 64-character label, which the resolver rejects without sending a query.
    /// (HTTPClientTests shows the TLS handshake itself against a loopback receiver.)
    @Test func httpsToANonLoopbackHostIsAttemptedNotRefused() throws {
        let (db, _) = try Self.hostileWarehouse()
        let host = String(repeating: "a", count: 64) + ".invalid"
        let result = try Binary.run(["notify", "--db", db, "--slack", "far=https://\(host)/services/T0/B0/SECRETTOKEN",
                                     "--timeout", "2", "--retry-for", "0"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("slack far (\(host)): 8 alerts still pending — could not resolve the host"), "\(result.stdout)")
        #expect(!result.stderr.contains("refused") && !result.stdout.contains("refused"))
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.db.scalar("SELECT DISTINCT status || ' ' || attempts FROM deliveries")?.string == "pending 1")
    }

    @Test func aDryRunPrintsThePayloadsAndSendsNothing() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (db, _) = try Self.hostileWarehouse()
        let result = try Binary.run(["notify", "--db", db, "--dry-run", "--slack", "oncall=\(server.url("/ok/T0/B0/SECRETTOKEN"))",
                                     "--webhook", "ops=\(server.url("/ok/w/SECRETTOKEN"))"])
        #expect(result.status == 0, "\(result.stderr)")
        let payloads = result.stdout.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(payloads.count == 2)
        for payload in payloads { #expect(try JSONSerialization.jsonObject(with: Data(payload.utf8)) is [String: Any]) }
        #expect(result.stdout.contains("# dry run: nothing sent"))
        #expect(result.stdout.contains("slack oncall (127.0.0.1): would post 8 alerts in 1 message"))
        #expect(server.requests.isEmpty)
        #expect(!result.stdout.contains("SECRETTOKEN"))
        #expect(try makeWarehouse(path: db).count("deliveries") == 0)
    }

    @Test func twoRunsAtOnceDoNotPostTheSameAlertsTwice() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (db, _) = try Self.hostileWarehouse()
        let arguments = ["notify", "--db", db, "--slack", "oncall=\(server.url("/slow/T0"))"]
        let first = try Binary.spawn(arguments)
        let second = try Binary.spawn(arguments)
        let results = [first.wait(), second.wait()]
        #expect(results.allSatisfy { $0.status == 0 })
        #expect(server.requests(to: "/slow/T0").count == 1, "the second run waited for the first, then had nothing new")
    }

    /// Every way a URL could leak: output, verbose logs, error messages, dry runs, the warehouse file and its WAL,
    /// and the process listing (URLs from files).
    @Test func noURLOrSecretAppearsInAnyOutputOrInTheWarehouse() throws {
        let hanging = HangSwitch()
        let server = try TestHTTPServer.standard(hanging: hanging)
        defer { server.stop() }
        let (db, _) = try Self.hostileWarehouse()
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let secretFile = try writeTemporaryFile("signing", secret + "\n")
        let webhookFile = try writeTemporaryFile("webhooks", """
            signed=\(server.url("/flaky/h/SECRETTOKEN1?token=SECRETTOKEN2"))
            \(server.url("/gone/h/SECRETTOKEN3"))
            """)
        let slackFile = try writeTemporaryFile("slack", "\(server.url("/hang/T0/B0/SECRETTOKEN4"))\n")
        let common = ["--db", db, "-v", "--webhook-file", webhookFile, "--slack-file", slackFile,
                      "--webhook-secret-file", "signed=\(secretFile)", "--timeout", "1", "--retry-for", "2"]

        var outputs: [String] = []
        let dry = try Binary.run(["notify", "--dry-run"] + common)
        outputs += [dry.stdout, dry.stderr]
        // While this run waits on the hanging receiver, its command line holds file names only.
        let running = try Binary.spawn(["notify"] + common + ["--slack", "http://example.com/services/SECRETTOKEN5",
                                                              "--webhook", "https://\(String(repeating: "b", count: 64)).invalid/SECRETTOKEN6"])
        Thread.sleep(forTimeInterval: 0.5)
        let commandLine = (try? String(contentsOfFile: "/proc/\(running.pid)/cmdline", encoding: .utf8)) ?? ""
        #expect(commandLine.contains("notify") && commandLine.contains(slackFile))
        #expect(!commandLine.contains("SECRETTOKEN4") && !commandLine.contains("127.0.0.1"))
        let failing = running.wait()
        #expect(failing.status == 1)
        outputs += [failing.stdout, failing.stderr]
        hanging.isOn = false
        let recovered = try Binary.run(["notify"] + common)
        outputs += [recovered.stdout, recovered.stderr]
        let listed = try Binary.run(["alerts", "--db", db, "--format", "json"])
        outputs += [listed.stdout, listed.stderr]

        // The runs did what they should, so the check below looked at real failures and deliveries.
        #expect(failing.stdout.contains("refused for good — HTTP 410: channel_is_archived"))
        #expect(failing.stderr.contains("plain http:// is refused for example.com"))
        #expect(failing.stderr.contains("warning: giving up for this run"), "verbose logs were written")
        #expect(recovered.stdout.contains("8 alerts delivered"))
        #expect(server.requests(to: "/flaky/h/SECRETTOKEN1?token=SECRETTOKEN2").last?.headers["webhook-signature"]?.hasPrefix("v1,") == true)

        let forbidden = ["SECRETTOKEN", "127.0.0.1:\(server.port)", "example.com/services", secret, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]
        for (index, output) in outputs.enumerated() {
            for word in forbidden { #expect(!output.contains(word), "output \(index) shows \(word):\n\(output)") }
        }
        for suffix in ["", "-wal", "-shm", "-notify.lock"] {
            guard let bytes = FileManager.default.contents(atPath: db + suffix) else { continue }
            for word in forbidden {
                #expect(bytes.firstRange(of: Data(word.utf8)) == nil, "\(db + suffix) holds \(word)")
            }
        }
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.db.scalar("SELECT count(*) FROM destinations")?.int == 4, "signed, the 410 one, the hanging one, the unresolvable one")
    }

    @Test func theConfigFilesDestinationsAndSettingsAreUsed() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (db, _) = try Self.hostileWarehouse()
        let urlFile = try writeTemporaryFile("oncall-url", server.url("/ok/T0/B0/SECRETTOKEN") + "\n")
        let config = try writeTemporaryFile("config.toml", """
            [notify]
            timeout = 2
            retry_for = 0

            [[destinations]]
            name = "oncall"
            kind = "slack"
            url_file = "\(urlFile)"
            """)
        let result = try Binary.run(["notify", "--db", db, "--config", config, "--webhook", "ops=\(server.url("/ok/w"))"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("slack oncall (127.0.0.1): 8 alerts delivered in 1 post"))
        #expect(result.stdout.contains("webhook ops (127.0.0.1): 8 alerts delivered in 1 post"))
        #expect(!result.stdout.contains("SECRETTOKEN") && !result.stderr.contains("SECRETTOKEN"))
    }

    @Test func notifyIsListedAndChecksItsOptions() throws {
        #expect(try Binary.run(["--help"]).stdout.contains("  notify"))
        let help = try Binary.run(["notify", "--help"])
        for option in ["--slack <[name=]url>", "--webhook <[name=]url>", "--slack-file <file>", "--webhook-file <file>",
                       "--webhook-secret-file", "--dry-run", "--backfill <days|all>", "--timeout <seconds>", "--retry-for <seconds>"] {
            #expect(help.stdout.contains(option), "help documents \(option)")
        }
        let none = try Binary.run(["notify", "--db", TestPaths.temporaryWarehousePath()])
        #expect(none.status == 64 && none.stderr.contains("no destination"))
        let backfill = try Binary.run(["notify", "--db", TestPaths.temporaryWarehousePath(), "--slack", "https://h.example/x", "--backfill", "soon"])
        #expect(backfill.status == 64 && backfill.stderr.contains("--backfill soon: expected a number of days"))
        #expect(!backfill.stderr.contains("h.example/x"))
    }
}
