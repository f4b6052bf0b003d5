import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
@testable import PayHTTP

/// A raw TCP client over Glibc sockets, for well-behaved and misbehaving clients alike.
final class RawClient {
    let fd: Int32

    /// Connects to 127.0.0.1:`port`; nil when the connection is refused.
    init?(port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); return nil }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// Reads until the server closes the connection (or 20 s of silence): what arrived, and whether
    /// the server closed it.
    func readUntilClosed() -> (bytes: [UInt8], closed: Bool) {
        var data = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count == 0 { return (data, true) }
            if count < 0 { return (data, errno == ECONNRESET) }
            data += chunk[0..<count]
        }
    }

    /// Reads one response (by its Content-Length) and leaves the connection open.
    func readResponse() -> RawResponse? {
        var data = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let response = RawResponse(parsing: data), response.complete { return response }
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { return RawResponse(parsing: data) }
            data += chunk[0..<count]
        }
    }
}

/// A response as the client saw it.
struct RawResponse {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]
    let complete: Bool

    init?(parsing data: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = data.indices.first(where: { data[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusWords = head[0].split(separator: " ")
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = Array(data[(end + 4)...])
        let length = headers["content-length"].flatMap(Int.init) ?? body.count
        self.status = status
        self.headers = headers
        self.body = Array(body.prefix(length))
        self.complete = body.count >= length
    }

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
}

/// Sends one request with `Connection: close` and reads the answer.
func rawRequest(port: Int, _ method: String, _ target: String, headers: [(String, String)] = [], body: String? = nil) -> RawResponse? {
    guard let client = RawClient(port: port) else { return nil }
    var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
    text += "\r\n" + (body ?? "")
    client.send(text)
    return RawResponse(parsing: client.readUntilClosed().bytes)
}

/// Answers with what it was given, as JSON: method, path, target, query, headers, body, client,
/// request id. `?status=N` picks the status. Counts its calls. Bodies up to 1024 bytes.
final class EchoHandler: HTTPHandler {
    let calls = Mutex<[HTTPRequest]>([])
    let limit: Int

    init(limit: Int = 1024) { self.limit = limit }

    func bodyLimit(method: String, path: String) -> Int { limit }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        calls.withLock { $0.append(request) }
        let object: [String: Any] = [
            "method": request.method, "path": request.path, "target": request.target,
            "query": request.query.map { [$0.name, $0.value] }, "headers": request.headers,
            "body": String(decoding: request.body, as: UTF8.self), "remote": request.remoteAddress,
            "requestId": request.requestId,
        ]
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        let status = request.queryValue("status").flatMap(Int.init) ?? 200
        return HTTPResponse(status: status, headers: [("Content-Type", "application/json"), ("X-Echo", "yes")], body: Array(body))
    }

    var callCount: Int { calls.withLock { $0.count } }
}

/// Holds each request until `release()`; says when one has begun.
final class GateHandler: HTTPHandler {
    let began = DispatchSemaphore(value: 0)
    private let gate = DispatchSemaphore(value: 0)

    func bodyLimit(method: String, path: String) -> Int { 1024 }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path == "/slow" {
            began.signal()
            gate.wait()
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array("finished \(request.path)".utf8))
    }

    func release() { gate.signal() }
}

/// Collects the lines the server or the API logged, for the assertions.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var sink: @Sendable (String) -> Void { { line in self.append(line) } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// Waits (polling) up to 20 s for `condition`; returns whether it came true.
func eventually(_ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
