import Foundation

/// A real HTTP/1.1 receiver on 127.0.0.1 (an ephemeral port), in the test process: POSIX sockets, one thread per
/// connection, so a connection told to hang never blocks the others. It records every request (and the first raw
/// bytes of anything that is not HTTP, such as a TLS ClientHello) and answers as the test's `responder` says.
///
/// Only loopback: it binds 127.0.0.1 and nothing in the tests talks to any other address.
final class TestHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        let method: String
        let path: String
        /// Names lower-cased.
        let headers: [String: String]
        let body: Data
        /// The first bytes the connection sent (up to 512), as received.
        let raw: [UInt8]

        var bodyText: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    }

    enum Reply: Sendable {
        case status(Int, headers: [(String, String)] = [], body: String = "")
        /// Read the request and never answer (until the server stops).
        case hang
        /// Answer after a pause.
        case delayed(Double, Int)
    }

    /// Gets the request and how many requests to the same path came before it (0 for the first).
    typealias Responder = @Sendable (Request, Int) -> Reply

    let port: UInt16
    private let listener: Int32
    private let responder: Responder
    private let lock = NSLock()
    private var recorded: [Request] = []
    private var stopped = false

    init(responder: @escaping Responder) throws {
        self.responder = responder
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.listener = fd
        self.port = UInt16(bigEndian: address.sin_port)
        Thread { [self] in acceptLoop() }.start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT` + path.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    var requests: [Request] { lock.withLock { recorded } }

    func requests(to path: String) -> [Request] { requests.filter { $0.path == path } }

    /// Stops accepting, and lets hanging connections close.
    func stop() {
        let wasRunning = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        // The accept loop closes the socket when it sees the flag: closing it here could hand its descriptor
        // number to another test's socket while the loop still polls it.
        if wasRunning { shutdown(listener, Int32(SHUT_RDWR)) }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        defer { close(listener) }
        while !isStopped {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            Thread { [self] in handle(connection) }.start()
        }
    }

    private func handle(_ connection: Int32) {
        defer { close(connection) }
        var buffer: [UInt8] = []
        // Headers.
        var headerEnd: Int?
        while headerEnd == nil {
            guard let chunk = read(connection, timeout: 5) else { return }
            buffer += chunk
            headerEnd = buffer.firstRange(of: [13, 10, 13, 10])?.upperBound
            // Not HTTP (a TLS ClientHello starts with 0x16): record what came and hang up.
            if let first = buffer.first, !(65...90).contains(first) {
                record(Request(method: "(not HTTP)", path: "", headers: [:], body: Data(), raw: Array(buffer.prefix(512))))
                return
            }
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        if headers["expect"]?.lowercased() == "100-continue" { send(connection, "HTTP/1.1 100 Continue\r\n\r\n") }
        var body = Array(buffer[headerEnd!...])
        while body.count < length {
            guard let chunk = read(connection, timeout: 5) else { return }
            body += chunk
        }
        let request = Request(method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "",
                              headers: headers, body: Data(body.prefix(length)), raw: Array(buffer.prefix(512)))
        let earlier = lock.withLock { recorded.filter { $0.path == request.path }.count }
        record(request)

        switch responder(request, earlier) {
        case let .status(code, extraHeaders, text):
            reply(connection, code, extraHeaders, text)
        case let .delayed(seconds, code):
            Thread.sleep(forTimeInterval: seconds)
            reply(connection, code, [], "ok")
        case .hang:
            while !isStopped {
                var poller = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
                if poll(&poller, 1, 100) > 0 {
                    var scratch = [UInt8](repeating: 0, count: 512)
                    if recv(connection, &scratch, scratch.count, 0) <= 0 { return }  // the client gave up
                }
            }
        }
    }

    private func record(_ request: Request) { lock.withLock { recorded.append(request) } }

    private func reply(_ connection: Int32, _ code: Int, _ headers: [(String, String)], _ body: String) {
        var text = "HTTP/1.1 \(code) Status\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        send(connection, text + "\r\n" + body)
    }

    private func send(_ connection: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    private func read(_ connection: Int32, timeout seconds: Int32) -> [UInt8]? {
        var poller = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, seconds * 1000) > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(connection, &chunk, chunk.count, 0)
        return count > 0 ? Array(chunk.prefix(count)) : nil
    }
}

/// Common scripts: the receivers the tests need, by path.
extension TestHTTPServer {
    /// `/flaky…` answers 500 twice then 200; `/limited…` 429 with Retry-After: 1 once, then 200; `/gone…` 410
    /// channel_is_archived; `/hang…` never answers while `hanging` is set, then 200; everything else 200 "ok".
    static func standard(hanging: HangSwitch = HangSwitch()) throws -> TestHTTPServer {
        try TestHTTPServer { request, earlier in
            let path = request.path
            if path.hasPrefix("/flaky") { return earlier < 2 ? .status(500, body: "rollup_error") : .status(200, body: "ok") }
            if path.hasPrefix("/limited") {
                return earlier == 0 ? .status(429, headers: [("Retry-After", "1")], body: "rate_limited") : .status(200, body: "ok")
            }
            if path.hasPrefix("/gone") { return .status(410, body: "channel_is_archived") }
            if path.hasPrefix("/hang"), hanging.isOn { return .hang }
            if path.hasPrefix("/slow") { return .delayed(1, 200) }
            return .status(200, body: "ok")
        }
    }
}

/// A flag the test flips while the server runs (a receiver that times out, then recovers).
final class HangSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var on = true
    var isOn: Bool {
        get { lock.withLock { on } }
        set { lock.withLock { on = newValue } }
    }
}

extension TestHTTPServer.Request {
    /// The path without its query.
    var route: String { String(path.split(separator: "?", maxSplits: 1).first ?? "") }

    /// The query's parameters, decoded.
    var query: [String: String] {
        guard let text = path.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            out[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return out
    }
}
