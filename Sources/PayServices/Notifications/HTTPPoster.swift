import CCurl
import Foundation

/// The answer to one HTTP POST: a status code, or the error that kept it from arriving.
public struct HTTPPostResult: Sendable {
    public let statusCode: Int?
    public let error: String?
    public let durationMs: Int64
    /// The answer's body, its first `HTTPPostResult.maxBodyBytes` (an ack is a few bytes).
    public var body: [UInt8] = []

    public static let maxBodyBytes = 4096

    public var isSuccess: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
}

/// Posts a body and waits for the answer, with a timeout. Used only by the worker, outside any
/// store transaction, so a slow merchant endpoint never holds a lock or delays a payment.
public protocol HTTPPosting: Sendable {
    func post(url: String, body: [UInt8], headers: [String: String], timeoutSeconds: Double) -> HTTPPostResult
}

/// `HTTPPosting` over libcurl, a connection of its own per post.
public struct CurlPoster: HTTPPosting {
    public init() {}

    public func post(url: String, body: [UInt8], headers: [String: String], timeoutSeconds: Double) -> HTTPPostResult {
        do throws(HTTPClientUnavailable) {
            return try HTTPClient().post(url: url, body: body, headers: headers, timeoutSeconds: timeoutSeconds)
        } catch {
            return HTTPPostResult(statusCode: nil, error: error.reason, durationMs: 0)
        }
    }
}

/// Why an `HTTPClient` cannot be made: libcurl is missing or refused a handle.
public struct HTTPClientUnavailable: Error, Sendable {
    public let reason: String
}

/// One libcurl easy handle (Debian libcurl4, opened on first use: see `CCurl`). Posts made on the
/// same client reuse its connection to the same host. Not `Sendable`: one thread at a time.
///
/// Redirects are not followed (a notification is a POST to the URL the business line gave; a 3xx is
/// not a 2xx, so it is retried and shown as such); only http and https are spoken.
public final class HTTPClient {
    private let handle: UnsafeMutableRawPointer

    public init() throws(HTTPClientUnavailable) {
        if let failure = pd_curl_open() { throw HTTPClientUnavailable(reason: String(cString: failure)) }
        guard let handle = pd_curl_easy_init() else { throw HTTPClientUnavailable(reason: "libcurl could not make a handle") }
        self.handle = handle
    }

    deinit { pd_curl_easy_cleanup(handle) }

    /// POSTs `body` to `url` with `headers`, waiting at most `timeoutSeconds` for the whole exchange.
    public func post(url: String, body: [UInt8], headers: [String: String], timeoutSeconds: Double) -> HTTPPostResult {
        let clock = ContinuousClock()
        let started = clock.now
        func elapsed() -> Int64 {
            let duration = clock.now - started
            return duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        }
        guard let target = URL(string: url), let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return HTTPPostResult(statusCode: nil, error: "notify URL '\(url)' is not an http(s) URL", durationMs: 0)
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { list = pd_curl_slist_append(list, "\(name): \(value)") }
        // why: curl would otherwise send `Expect: 100-continue` for bodies over 1 KiB and wait a second for an answer.
        list = pd_curl_slist_append(list, "Expect:")
        defer { pd_curl_slist_free_all(list) }
        let response = ResponseBuffer()
        let milliseconds = max(1, Int(timeoutSeconds * 1000))
        let raw = handle
        pd_curl_setopt_string(raw, CURLOPT_URL, url)
        pd_curl_setopt_string(raw, CURLOPT_PROTOCOLS_STR, "http,https")
        pd_curl_setopt_long(raw, CURLOPT_NOSIGNAL, 1)
        pd_curl_setopt_long(raw, CURLOPT_FOLLOWLOCATION, 0)
        pd_curl_setopt_long(raw, CURLOPT_POST, 1)
        pd_curl_setopt_size(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
        // why COPYPOSTFIELDS: curl keeps its own copy, so no pointer into `body` outlives this call.
        if body.isEmpty {
            pd_curl_setopt_string(raw, CURLOPT_COPYPOSTFIELDS, "")
        } else {
            body.withUnsafeBytes { bytes in _ = pd_curl_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress)) }
        }
        pd_curl_setopt_long(raw, CURLOPT_TIMEOUT_MS, milliseconds)
        pd_curl_setopt_long(raw, CURLOPT_CONNECTTIMEOUT_MS, milliseconds)
        pd_curl_setopt_headers(raw, list)
        pd_curl_setopt_write(raw, { data, size, count, context in
            let length = size * count
            guard let data, let context else { return length }
            Unmanaged<ResponseBuffer>.fromOpaque(context).takeUnretainedValue().keep(UnsafeRawBufferPointer(start: data, count: length))
            return length
        }, Unmanaged.passUnretained(response).toOpaque())
        let code = withExtendedLifetime(response) { pd_curl_easy_perform(raw) }
        switch code {
        case CURLE_OK:
            return HTTPPostResult(statusCode: pd_curl_response_code(raw), error: nil, durationMs: elapsed(), body: response.bytes)
        case CURLE_OPERATION_TIMEDOUT:
            return HTTPPostResult(statusCode: nil, error: "timed out after \(Int(timeoutSeconds)) s", durationMs: elapsed())
        default:
            return HTTPPostResult(statusCode: nil, error: String(cString: pd_curl_easy_strerror(code)), durationMs: elapsed())
        }
    }
}

/// The first `HTTPPostResult.maxBodyBytes` of an answer; the rest is read and dropped.
private final class ResponseBuffer {
    var bytes: [UInt8] = []

    func keep(_ data: UnsafeRawBufferPointer) {
        let room = HTTPPostResult.maxBodyBytes - bytes.count
        if room > 0 { bytes.append(contentsOf: data.prefix(room)) }
    }
}
