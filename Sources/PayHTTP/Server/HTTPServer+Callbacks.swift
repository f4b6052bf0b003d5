#if canImport(Glibc)
import Glibc
#endif
import CMicroHTTPD

/// libmicrohttpd's callbacks: C function pointers without captures; the `ServerCore` arrives as
/// their `cls`, the request's `RequestState` as `*con_cls` (retained from the request line to the
/// completion notice).
extension HTTPServer {
    static let mhdLog: pd_mhd_log_line = { cls, line in
        guard let cls, let line else { return }
        Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().log("http: " + String(cString: line))
    }

    static let connectionNotice: MHD_NotifyConnectionCallback = { cls, _, _, code in
        guard let cls else { return }
        let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
        if code == .CONNECTION_NOTIFY_STARTED {
            core.openConnections.add(1, ordering: .relaxed)
        } else {
            core.openConnections.subtract(1, ordering: .relaxed)
        }
    }

    /// The request line has arrived: the request's state is made here, with the target as sent.
    static let requestLine: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, OpaquePointer?) -> UnsafeMutableRawPointer? = {
        cls, uri, connection in
        guard let cls else { return nil }
        let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
        core.requestsInFlight.add(1, ordering: .relaxed)
        let state = RequestState(target: uri.map { String(cString: $0) } ?? "/", remoteAddress: clientAddress(connection, core.mhd),
                                 started: ClientRateLimiter.monotonicNow())
        return Unmanaged.passRetained(state).toOpaque()
    }

    /// The request is over (answered, or the client went away): its state is released.
    static let completed: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
        guard let cls, let conCls, let raw = conCls.pointee else { return }
        conCls.pointee = nil
        Unmanaged<RequestState>.fromOpaque(raw).release()
        Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue().requestsInFlight.subtract(1, ordering: .relaxed)
    }

    static let access: MHD_AccessHandlerCallback = { cls, connection, _, method, _, uploadData, uploadSize, conCls in
        guard let cls, let connection, let conCls, let uploadSize else { return MHD_Result.NO }
        let core = Unmanaged<ServerCore>.fromOpaque(cls).takeUnretainedValue()
        let method = method.map { String(cString: $0) } ?? "GET"
        let state: RequestState
        if let raw = conCls.pointee {
            state = Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue()
        } else {
            // why: the request-line callback always runs first; this only keeps a surprise harmless.
            core.requestsInFlight.add(1, ordering: .relaxed)
            state = RequestState(target: "/", remoteAddress: clientAddress(connection, core.mhd), started: ClientRateLimiter.monotonicNow())
            conCls.pointee = Unmanaged.passRetained(state).toOpaque()
        }

        if !state.admitted {
            state.admitted = true
            let collected = collectHeaders(connection, core.mhd)
            state.headers = collected.headers
            state.requestId = RequestState.requestId(from: collected.headers["x-request-id"])
            if core.limits.trustedProxies.contains(state.remoteAddress),
               let client = RequestState.proxiedClient(collected.headers["x-real-ip"]) {
                state.remoteAddress = client
            }
            state.bodyLimit = max(0, core.handler.bodyLimit(method: method, path: state.path))
            let headerBytes = state.target.utf8.count + method.utf8.count + collected.bytes
            if let refusal = core.admissionRefusal(method: method, state: state, headerCount: collected.count, headerBytes: headerBytes) {
                return answer(connection, core: core, state: state, method: method, response: refusal)
            }
            return MHD_Result.YES
        }

        let size = uploadSize.pointee
        if size > 0 {
            uploadSize.pointee = 0
            if state.rejection == nil, state.body.count + size > state.bodyLimit {
                state.rejection = core.bodyTooLarge(method: method, state: state, size: "more")
                state.discarded = state.body.count
                state.body = []
            }
            if state.rejection != nil {
                state.discarded += size
                // why: a client streaming on and on past the limit is cut off rather than read forever.
                return state.discarded > state.bodyLimit + 1 << 20 ? MHD_Result.NO : MHD_Result.YES
            }
            if let uploadData {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: size) {
                    state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
                }
            }
            return MHD_Result.YES
        }

        if let rejection = state.rejection {
            return answer(connection, core: core, state: state, method: method, response: rejection)
        }
        let request = HTTPRequest(method: method, path: state.path, query: state.query, headers: state.headers,
                                  body: state.body, remoteAddress: state.remoteAddress, requestId: state.requestId,
                                  target: state.target)
        state.body = []
        return answer(connection, core: core, state: state, method: method, response: core.handle(request))
    }

    /// Queues `response` with the request id, and writes the request's log line.
    private static func answer(_ connection: OpaquePointer, core: ServerCore, state: RequestState, method: String,
                               response: HTTPResponse) -> MHD_Result {
        let made = response.body.withUnsafeBytes { bytes in
            core.mhd.create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let made else {
            core.log("\(method) \(state.path) 500 answer not made id=\(state.requestId)")
            return MHD_Result.NO
        }
        defer { core.mhd.destroy_response(made) }
        for header in response.headers + [("X-Request-Id", state.requestId)] {
            // why: libmicrohttpd writes Content-Length itself and refuses it here.
            if header.0.lowercased() == "content-length" { continue }
            if core.mhd.add_response_header(made, header.0, header.1) != MHD_Result.YES {
                core.log("http: header '\(header.0)' of \(method) \(state.path) refused (id=\(state.requestId))")
            }
        }
        let queued = core.mhd.queue_response(connection, UInt32(response.status), made)
        let latency = (ClientRateLimiter.monotonicNow() - state.started) * 1000
        let rounded = (latency * 10).rounded() / 10
        core.log("\(HTTPServer.printable(method)) \(HTTPServer.printable(state.path)) \(response.status) \(rounded)ms id=\(state.requestId)")
        return queued
    }

    private final class HeaderCollector {
        var headers: [String: String] = [:]
        var count = 0
        var bytes = 0
    }

    /// The request's header fields, names lower-cased, repeats joined by ", ", with their count and size.
    private static func collectHeaders(_ connection: OpaquePointer, _ mhd: pd_mhd_api) -> (headers: [String: String], count: Int, bytes: Int) {
        let collector = HeaderCollector()
        withExtendedLifetime(collector) {
            _ = mhd.get_connection_values(connection, .HEADER_KIND, { cls, _, key, value in
                guard let cls, let key else { return MHD_Result.YES }
                let collector = Unmanaged<HeaderCollector>.fromOpaque(cls).takeUnretainedValue()
                let name = String(cString: key).lowercased()
                let text = value.map { String(cString: $0) } ?? ""
                collector.count += 1
                collector.bytes += name.utf8.count + text.utf8.count + 4
                if let existing = collector.headers[name] {
                    collector.headers[name] = existing + ", " + text
                } else {
                    collector.headers[name] = text
                }
                return MHD_Result.YES
            }, Unmanaged.passUnretained(collector).toOpaque())
        }
        return (collector.headers, collector.count, collector.bytes)
    }

    private static func clientAddress(_ connection: OpaquePointer?, _ mhd: pd_mhd_api) -> String {
        guard let connection else { return "" }
        var buffer = [CChar](repeating: 0, count: 64)
        withUnsafePointer(to: mhd) { pd_mhd_client_address($0, connection, &buffer, buffer.count) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension HTTPServer {
    /// `text` for one log line: control characters (an escape sequence in a path would repaint
    /// the operator's terminal) as `\u{1B}`, and at most 300 characters.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar == "\u{7F}" {
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out.count > 300 ? String(out.prefix(300)) + "…" : out
    }
}
