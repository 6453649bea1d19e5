import CCurl
import CCurlShim
import Foundation

/// One libcurl easy handle, owned: created in `init`, cleaned up in `deinit`. Each option is one small method over
/// the typed CCurlShim wrappers, and every non-OK result becomes an `HTTPError` naming the option, instead of a
/// `try!`.
///
/// libcurl keeps pointers to what some options are given: the header and connect-to lists are therefore stored
/// here for as long as the handle may use them, and the parsed URL is held until the transfer ends. The request
/// body goes through `CURLOPT_COPYPOSTFIELDS`, which copies it.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectToList: UnsafeMutablePointer<curl_slist>?
    private var url: CurlURL?

    init() throws {
        try CurlGlobal.initialize()
        guard let raw = curl_easy_init() else {
            throw HTTPError.failed(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init returned NULL")
        }
        self.raw = raw
    }

    deinit {
        curl_easy_cleanup(raw)
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectToList)
    }

    // MARK: - Options

    func set(_ option: CURLoption, _ value: Int) throws {
        try check(CCurlShim_setopt_long(raw, option, value), option)
    }

    func set(_ option: CURLoption, offset value: Int64) throws {
        try check(CCurlShim_setopt_off_t(raw, option, curl_off_t(value)), option)
    }

    /// A C-string option; libcurl copies string options (CURLOPT_PROTOCOLS_STR, CURLOPT_USERAGENT, …).
    func set(_ option: CURLoption, _ value: String?) throws {
        guard let value else {
            try check(CCurlShim_setopt_pointer(raw, option, nil), option)
            return
        }
        try value.withCString { pointer in
            try check(CCurlShim_setopt_pointer(raw, option, UnsafeMutableRawPointer(mutating: pointer)), option)
        }
    }

    /// The parsed URL to request; held until the next call (libcurl reads it during the transfer).
    func setURL(_ url: CurlURL) throws {
        try check(CCurlShim_setopt_url(raw, CURLOPT_CURLU, url.handle), CURLOPT_CURLU)
        self.url = url
    }

    /// Request headers as "Name: value" lines; an empty value ("Expect:") removes a header libcurl would add.
    func setHeaders(_ lines: [String]) throws {
        let list = EasyHandle.makeList(lines)
        try check(CCurlShim_setopt_slist(raw, CURLOPT_HTTPHEADER, list), CURLOPT_HTTPHEADER)
        curl_slist_free_all(headerList)
        headerList = list
    }

    /// CURLOPT_CONNECT_TO entries ("HOST:PORT:ADDRESS:PORT"); empty clears them.
    func setConnectTo(_ entries: [String]) throws {
        let list = entries.isEmpty ? nil : EasyHandle.makeList(entries)
        try check(CCurlShim_setopt_slist(raw, CURLOPT_CONNECT_TO, list), CURLOPT_CONNECT_TO)
        curl_slist_free_all(connectToList)
        connectToList = list
    }

    /// The POST body, copied by libcurl; the size is set first so the bytes need no terminating NUL.
    func setBody(_ body: [UInt8]) throws {
        try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
        // libcurl needs a pointer even for zero bytes (an empty array may have none); the size set above is what
        // it copies.
        var bytes = body.isEmpty ? [0] : body
        try bytes.withUnsafeMutableBytes { buffer in
            try check(CCurlShim_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, buffer.baseAddress), CURLOPT_COPYPOSTFIELDS)
        }
    }

    /// Where the answer's body and header lines go.
    func setSink(_ sink: ResponseSink) throws {
        let body: curl_write_callback = { buffer, size, count, userdata in
            guard let userdata else { return 0 }
            let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
            sink.appendBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
            return size * count
        }
        let header: curl_write_callback = { buffer, size, count, userdata in
            guard let userdata else { return 0 }
            let sink = Unmanaged<ResponseSink>.fromOpaque(userdata).takeUnretainedValue()
            sink.appendHeaderLine(UnsafeRawBufferPointer(start: buffer, count: size * count))
            return size * count
        }
        let context = Unmanaged.passUnretained(sink).toOpaque()
        try check(CCurlShim_setopt_data_callback(raw, CURLOPT_WRITEFUNCTION, body), CURLOPT_WRITEFUNCTION)
        try check(CCurlShim_setopt_pointer(raw, CURLOPT_WRITEDATA, context), CURLOPT_WRITEDATA)
        try check(CCurlShim_setopt_data_callback(raw, CURLOPT_HEADERFUNCTION, header), CURLOPT_HEADERFUNCTION)
        try check(CCurlShim_setopt_pointer(raw, CURLOPT_HEADERDATA, context), CURLOPT_HEADERDATA)
    }

    // MARK: - Transfer

    /// Runs the transfer. The error buffer lives only for this call: libcurl writes into it during `perform` and
    /// must not keep a pointer to freed memory afterwards. Returns the result code and libcurl's message.
    func perform() -> (code: CURLcode, message: String) {
        var buffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code = buffer.withUnsafeMutableBufferPointer { errorBuffer -> CURLcode in
            guard CCurlShim_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer.baseAddress) == CURLE_OK else {
                return curl_easy_perform(raw)
            }
            defer { _ = CCurlShim_setopt_pointer(raw, CURLOPT_ERRORBUFFER, nil) }
            return curl_easy_perform(raw)
        }
        let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return (code, message.isEmpty ? CurlGlobal.text(of: code) : message)
    }

    func long(_ info: CURLINFO) -> Int {
        var value = 0
        _ = CCurlShim_getinfo_long(raw, info, &value)
        return value
    }

    // MARK: - Helpers

    private func check(_ code: CURLcode, _ option: CURLoption) throws {
        guard code == CURLE_OK else {
            throw HTTPError.failed(code: Int(code.rawValue),
                                   message: "setting libcurl option \(option.rawValue): \(CurlGlobal.text(of: code))")
        }
    }

    private static func makeList(_ lines: [String]) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines { list = curl_slist_append(list, line) }
        return list
    }
}

@available(*, unavailable, message: "a libcurl easy handle must not be used from two threads at once")
extension EasyHandle: Sendable {}

/// Collects one answer: the start of the body and the header lines of the final response.
final class ResponseSink {
    private(set) var body: [UInt8] = []
    private(set) var headers: [String: String] = [:]
    let maxBodyBytes: Int

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    func appendBody(_ bytes: UnsafeRawBufferPointer) {
        let room = maxBodyBytes - body.count
        if room > 0 { body.append(contentsOf: bytes.prefix(room)) }
    }

    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // A status line starts a new response (after "100 Continue"): only the last response's headers count.
        if line.hasPrefix("HTTP/") {
            headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}

@available(*, unavailable, message: "filled by libcurl's callbacks during one transfer")
extension ResponseSink: Sendable {}
