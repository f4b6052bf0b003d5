import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import PayHTTP

/// A minimal HTTP/1.1 listener on 127.0.0.1 for the sandbox delivery tests: one connection at a
/// time, the request read whole (Content-Length), handed to `handler` as an `HTTPRequest`, its
/// `HTTPResponse` written back, the connection closed. Stands in for `paydesk serve`'s server
/// (built elsewhere) so these tests see real HTTP between the sandbox and the notify endpoint.
final class NotifyRelayServer: Sendable {
    let port: UInt16
    private let socketFD: Int32
    private let state: Mutex<(requests: [HTTPRequest], stopped: Bool)>
    private let handler: @Sendable (HTTPRequest) -> HTTPResponse

    init(handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        socketFD = fd
        state = Mutex(([], false))
        self.handler = handler
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    deinit { stop() }

    var base: String { "http://127.0.0.1:\(port)" }
    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    func stop() {
        let wasStopped = state.withLock { s -> Bool in defer { s.stopped = true }; return s.stopped }
        if !wasStopped { shutdown(socketFD, Int32(SHUT_RDWR)); close(socketFD) }
    }

    private func serve() {
        while true {
            let client = accept(socketFD, nil, nil)
            if client < 0 { return }
            handle(client)
        }
    }

    private func handle(_ client: Int32) {
        defer { close(client) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
            if headerEnd == nil, let range = data.firstRange(of: [13, 10, 13, 10]) {
                headerEnd = range.upperBound
                let head = String(decoding: data[..<range.lowerBound], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let end = headerEnd, data.count >= end + contentLength { break }
        }
        guard let end = headerEnd else { return }
        let lines = String(decoding: data[..<(end - 4)], as: UTF8.self).split(separator: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[String(line[..<colon]).lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let request = HTTPRequest(method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "",
                                  headers: headers, body: Array(data[end..<min(data.count, end + contentLength)]))
        state.withLock { $0.requests.append(request) }
        let response = handler(request)
        var head = "HTTP/1.1 \(response.status) X\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + response.body
        _ = bytes.withUnsafeBufferPointer { write(client, $0.baseAddress, $0.count) }
    }
}
