import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PayServices

/// What `paydesk serve` answered.
struct APIAnswer: CustomStringConvertible {
    let status: Int
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else { throw CocoaError(.propertyListReadCorrupt) }
        return object
    }
    /// `error.code` of the one error shape, if the answer is one.
    var errorCode: String? { ((try? json())?["error"] as? [String: Any])?["code"] as? String }
    func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
    var description: String { "HTTP \(status) \(text)" }
}

/// A business system's client of `paydesk serve`: signs every request with its line's API secret
/// as `PayDesk-Signature: t=…,v1=…` (§7a) over a loopback HTTP connection.
struct ServeClient: Sendable {
    let base: String
    let line: String
    let secret: String

    /// Sends `method path` with `body` (JSON text); signed unless `signed` is false. `timestamp`
    /// overrides the signature's time (stale or future requests); `extraHeaders` add or replace.
    func send(_ method: String, _ path: String, body: String? = nil, signed: Bool = true, timestamp: Int64? = nil,
              secret overrideSecret: String? = nil, contentType: String? = "application/json",
              extraHeaders: [String: String] = [:]) throws -> APIAnswer {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.timeoutInterval = 60
        let bytes = Array((body ?? "").utf8)
        if let body {
            request.httpBody = Data(body.utf8)
            if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        }
        if signed {
            let t = timestamp ?? Int64(Date().timeIntervalSince1970)
            request.setValue(APIRequestSignature.sign(secret: overrideSecret ?? secret, timestamp: t, method: method, path: path, body: bytes),
                             forHTTPHeaderField: APIRequestSignature.header)
            request.setValue(line, forHTTPHeaderField: APIRequestSignature.lineHeader)
        }
        for (name, value) in extraHeaders { request.setValue(value, forHTTPHeaderField: name) }
        return try Self.perform(request)
    }

    /// One request, synchronously.
    static func perform(_ request: URLRequest) throws -> APIAnswer {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<APIAnswer, any Error> = .failure(URLError(.unknown))
        // why nonisolated(unsafe): written once by the completion handler before `done` is signalled.
        let session = URLSession(configuration: .ephemeral)
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                result = .failure(error)
            } else if let http = response as? HTTPURLResponse {
                var headers: [String: String] = [:]
                for (key, value) in http.allHeaderFields { headers["\(key)"] = "\(value)" }
                result = .success(APIAnswer(status: http.statusCode, headers: headers, body: data ?? Data()))
            }
            done.signal()
        }
        task.resume()
        done.wait()
        session.finishTasksAndInvalidate()
        return try result.get()
    }
}
