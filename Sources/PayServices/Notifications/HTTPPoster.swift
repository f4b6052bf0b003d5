import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

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

/// `HTTPPosting` over FoundationNetworking's URLSession.
public struct URLSessionPoster: HTTPPosting {
    public init() {}

    public func post(url: String, body: [UInt8], headers: [String: String], timeoutSeconds: Double) -> HTTPPostResult {
        let started = DispatchTime.now()
        func elapsed() -> Int64 { Int64((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000) }
        guard let target = URL(string: url), let scheme = target.scheme, scheme == "http" || scheme == "https" else {
            return HTTPPostResult(statusCode: nil, error: "notify URL '\(url)' is not an http(s) URL", durationMs: 0)
        }
        var request = URLRequest(url: target, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeoutSeconds)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        configuration.timeoutIntervalForResource = timeoutSeconds
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let outcome = Mutex<(Int?, String?, [UInt8])>((nil, "no answer", []))
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { data, response, error in
            let status = (response as? HTTPURLResponse)?.statusCode
            let body = data.map { [UInt8]($0.prefix(HTTPPostResult.maxBodyBytes)) } ?? []
            outcome.withLock { $0 = (status, error.map { String(describing: $0.localizedDescription) }, body) }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeoutSeconds + 1) == .timedOut {
            task.cancel()
            return HTTPPostResult(statusCode: nil, error: "timed out after \(Int(timeoutSeconds)) s", durationMs: elapsed())
        }
        let (status, error, body) = outcome.withLock { $0 }
        return HTTPPostResult(statusCode: status, error: status == nil ? error : nil, durationMs: elapsed(), body: body)
    }
}
