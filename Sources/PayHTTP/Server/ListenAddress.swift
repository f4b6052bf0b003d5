#if canImport(Glibc)
import Glibc
#endif
import PayCore

/// A `--listen` value: an IPv4 literal, a bracketed IPv6 literal or `localhost`, then `:PORT`
/// (port 0 = any free port). Host names other than `localhost` are refused: the server binds to
/// what the operator wrote, not to whatever a resolver answers.
struct ListenAddress: Equatable, Sendable {
    let text: String
    let host: String
    let port: UInt16
    let isIPv6: Bool

    static func parse(_ text: String) throws(PayError) -> ListenAddress {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]:") else { throw malformed(text) }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count == 2 else { throw malformed(text) }
            hostPart = pieces[0]
            portPart = pieces[1]
        }
        guard !portPart.isEmpty, portPart.allSatisfy(\.isASCII), portPart.allSatisfy(\.isNumber),
              let port = UInt16(portPart) else {
            throw PayError.invalidInput("--listen '\(text)': the port '\(portPart)' is not a number from 0 to 65535").about("listen")
        }
        let host = hostPart == "localhost" ? "127.0.0.1" : String(hostPart)
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return ListenAddress(text: text, host: host, port: port, isIPv6: false) }
        if text.hasPrefix("["), inet_pton(AF_INET6, host, &v6) == 1 {
            return ListenAddress(text: text, host: host, port: port, isIPv6: true)
        }
        throw PayError.invalidInput("--listen '\(text)': '\(hostPart)' is not an IP address (write 127.0.0.1:8080, [::1]:8080 or localhost:8080)")
            .about("listen")
    }

    private static func malformed(_ text: String) -> PayError {
        PayError.invalidInput("--listen '\(text)': expected HOST:PORT such as 127.0.0.1:8080 or [::1]:8080").about("listen")
    }

    /// A socket bound to this address and listening (non-blocking, close-on-exec), and its port.
    func bindListeningSocket() throws(PayError) -> (fd: Int32, port: Int) {
        let family = isIPv6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw PayError.internal("--listen \(text): cannot open a socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        // why: lets a restarted server bind while old connections linger in TIME_WAIT; Linux still
        // refuses the bind while another socket listens there.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_storage()
        let length: socklen_t
        if isIPv6 {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &yes, socklen_t(MemoryLayout<Int32>.size))
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = port.bigEndian
                _ = inet_pton(AF_INET6, host, &address.pointee.sin6_addr)
            }
        } else {
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_port = port.bigEndian
                _ = inet_pton(AF_INET, host, &address.pointee.sin_addr)
            }
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        if bound != 0 {
            let code = errno
            close(fd)
            switch code {
            case EADDRINUSE:
                throw PayError.invalidInput("--listen \(text): the address is already in use (is another server listening on port \(port)?)")
                    .about("listen")
            case EACCES:
                throw PayError.invalidInput("--listen \(text): permission denied (ports below 1024 need privileges)").about("listen")
            case EADDRNOTAVAIL:
                throw PayError.invalidInput("--listen \(text): \(host) is not an address of this machine").about("listen")
            default:
                throw PayError.internal("--listen \(text): cannot bind: \(String(cString: strerror(code)))")
            }
        }
        guard listen(fd, 511) == 0 else {
            let code = errno
            close(fd)
            throw PayError.internal("--listen \(text): cannot listen: \(String(cString: strerror(code)))")
        }
        var bound2 = sockaddr_storage()
        var boundLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound2) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &boundLength) }
        }
        let boundPort = withUnsafeBytes(of: &bound2) { raw -> UInt16 in
            isIPv6 ? raw.load(as: sockaddr_in6.self).sin6_port : raw.load(as: sockaddr_in.self).sin_port
        }
        return (fd, Int(UInt16(bigEndian: boundPort)))
    }
}
