import CCurl

/// A URL parsed by libcurl's own URL parser (`CURLU`). It owns the handle: created in `init`, freed in `deinit`.
///
/// The notifier checks a URL (scheme, loopback host) and then hands *this same parsed object* to the transfer
/// (`CURLOPT_CURLU`), so the host that was checked is the host libcurl connects to: no second parser that could
/// read `http://127.0.0.1\@example.com` differently.
final class CurlURL {
    let handle: OpaquePointer

    /// Parses `text`; `reason` is libcurl's description of what is wrong (it never repeats the URL).
    init(_ text: String) throws(URLRefusal) {
        guard let handle = curl_url() else { throw URLRefusal.malformed(reason: "out of memory") }
        self.handle = handle
        // No scheme guessing: "hooks.slack.com/x" must not silently become http://.
        let code = curl_url_set(handle, CURLUPART_URL, text, 0)
        guard code == CURLUE_OK else {
            throw URLRefusal.malformed(reason: curl_url_strerror(code).map { String(cString: $0) } ?? "code \(code.rawValue)")
        }
    }

    deinit {
        curl_url_cleanup(handle)
    }

    /// One part of the URL, or nil when the URL has none (no port, no query).
    func part(_ which: CURLUPart) -> String? {
        var out: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, which, &out, 0) == CURLUE_OK, let out else { return nil }
        defer { curl_free(out) }
        return String(cString: out)
    }
}

@available(*, unavailable, message: "a CURLU handle is used by one transfer on one thread")
extension CurlURL: Sendable {}
