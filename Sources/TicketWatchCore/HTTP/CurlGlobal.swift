import CCurl
import Foundation

/// libcurl's process-wide state, set up exactly once.
///
/// `curl_global_init` must run once, before any other thread uses libcurl; a `static let` runs its initialiser
/// once per process under the runtime's own lock. Every `EasyHandle` goes through it, and the notify command calls
/// `initialize()` first thing, before it starts anything else.
public enum CurlGlobal {
    private static let result: CURLcode = {
        // CURLOPT_NOSIGNAL is set on every handle (libcurl must not touch signals in a multi-threaded process),
        // which also stops libcurl from ignoring SIGPIPE around its writes: a receiver that closes its socket
        // early would otherwise kill the whole process. Ignoring it here turns that into an EPIPE error.
        signal(SIGPIPE, SIG_IGN)
        return curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    /// Initialises libcurl when it has not been yet; throws when libcurl cannot start (out of memory, broken
    /// TLS library).
    public static func initialize() throws {
        let code = result
        guard code == CURLE_OK else {
            throw HTTPError.failed(code: Int(code.rawValue), message: "libcurl could not initialise: \(CurlGlobal.text(of: code))")
        }
    }

    /// libcurl's one-line description of a result code.
    static func text(of code: CURLcode) -> String {
        curl_easy_strerror(code).map { String(cString: $0) } ?? "error \(code.rawValue)"
    }

    /// "libcurl/7.88.1 OpenSSL/3.0.x": the version and TLS library actually loaded, for `--verbose` logs.
    public static var versionDescription: String {
        curl_version().map { String(cString: $0) } ?? "libcurl"
    }
}
