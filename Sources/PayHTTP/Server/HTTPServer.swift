#if canImport(Glibc)
import Glibc
#endif
import CMicroHTTPD
import PayCore
import Synchronization

/// The HTTP/1.1 server of `paydesk serve`, over libmicrohttpd: a thread per connection reads each
/// request; at most `limits.threads` of them run `handler` at once.
///
/// A request's body is read whole (up to `handler.bodyLimit`) before the handler is called; a client
/// that goes away before the end never reaches the handler. Every limit is answered with the one JSON
/// error shape; every request gets an `X-Request-Id` and one log line
/// `METHOD PATH STATUS LATENCYms id=REQUESTID`.
public final class HTTPServer: @unchecked Sendable {
    // why @unchecked: `daemon` and `logger` are written in init and then only under `stopLock`
    // (shutdown, deinit); everything the callbacks share lives in the Sendable `ServerCore`.
    private var daemon: OpaquePointer?
    private var logger: UnsafeMutablePointer<pd_mhd_logger>?
    private let core: ServerCore
    private let stopLock = Mutex<Void>(())
    /// The bound port (the one picked by the system when `listen` asked for port 0).
    public let port: Int

    /// Binds `listen` ("127.0.0.1:8080"; port 0 = any free one) and starts serving.
    /// Throws `invalidInput` naming `--listen` for a malformed address or one already in use.
    public init(listen: String, handler: any HTTPHandler, limits: HTTPServerLimits = .init(),
                log: @escaping @Sendable (String) -> Void) throws(PayError) {
        let address = try ListenAddress.parse(listen)
        guard limits.threads >= 1, limits.maxConnections >= 1, limits.maxConnectionsPerClient >= 0,
              limits.maxHeaders >= 1, limits.maxHeaderBytes >= 256, limits.connectionTimeoutSeconds >= 1 else {
            throw PayError.invalidInput("server limits: threads, connections, headers and the timeout must be positive")
        }
        let mhd: MicroHTTPD
        switch MicroHTTPD.table {
        case .success(let library): mhd = library
        case .failure(let error): throw PayError.internal("--listen \(listen): \(error.message)")
        }
        let (fd, port) = try address.bindListeningSocket()
        let core = ServerCore(handler: handler, limits: limits, mhd: mhd, log: log)
        let logger = UnsafeMutablePointer<pd_mhd_logger>.allocate(capacity: 1)
        let coreRef = Unmanaged.passRetained(core).toOpaque()
        logger.initialize(to: pd_mhd_logger(line: HTTPServer.mhdLog, cls: coreRef))

        var config = pd_mhd_config()
        // why a thread per connection rather than libmicrohttpd's pool: a pool thread serves many
        // connections, so a handler waiting on a channel would stall every other client on that
        // thread. Here each connection reads on its own thread and `limits.threads` bounds the
        // handlers running at once (ServerCore.handlerSlots).
        config.flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_THREAD_PER_CONNECTION.rawValue | MHD_USE_POLL.rawValue
            | MHD_USE_ITC.rawValue | MHD_USE_ERROR_LOG.rawValue | (address.isIPv6 ? MHD_USE_IPv6.rawValue : 0)
        config.listen_fd = fd
        config.threads = 0
        // why the slack: a few connections past the limit still get a 503 `server_busy` answer
        // instead of a silent close by libmicrohttpd.
        config.connection_limit = UInt32(limits.maxConnections + max(8, limits.threads))
        config.per_ip_connection_limit = UInt32(limits.maxConnectionsPerClient)
        // why: the pool holds the request line, the headers and the read buffer; our own check
        // answers 431 at maxHeaderBytes, libmicrohttpd only far beyond it.
        config.connection_memory_limit = max(32 * 1024, limits.maxHeaderBytes * 2 + 16 * 1024)
        config.connection_timeout_seconds = UInt32(limits.connectionTimeoutSeconds)
        config.access = HTTPServer.access
        config.access_cls = coreRef
        config.completed = HTTPServer.completed
        config.completed_cls = coreRef
        config.uri_log = HTTPServer.requestLine
        config.uri_log_cls = coreRef
        config.connection_notify = HTTPServer.connectionNotice
        config.connection_notify_cls = coreRef
        config.logger = logger
        guard let started = withUnsafePointer(to: mhd.api, { pd_mhd_start($0, &config) }) else {
            close(fd)
            Unmanaged<ServerCore>.fromOpaque(coreRef).release()
            logger.deallocate()
            throw PayError.internal("--listen \(listen): libmicrohttpd could not start (see the log)")
        }
        self.daemon = started
        self.logger = logger
        self.core = core
        self.port = port
    }

    deinit { stop(graceSeconds: 0) }

    /// Stops accepting connections at once, lets the requests in flight finish (up to
    /// `graceSeconds`), then stops; a request arriving meanwhile on an open connection is answered
    /// 503 `shutting_down`. Calling it again does nothing.
    public func shutdown(graceSeconds: Double = 10) {
        stop(graceSeconds: graceSeconds)
    }

    /// Requests begun and not finished: for tests and the shutdown's wait.
    var requestsInFlight: Int { core.requestsInFlight.load(ordering: .relaxed) }

    private func stop(graceSeconds: Double) {
        stopLock.withLock { _ in
            guard let daemon else { return }
            core.shuttingDown.store(true, ordering: .relaxed)
            let listening = core.mhd.quiesce_daemon(daemon)
            // why shutdown, not close: libmicrohttpd's threads may still hold the socket until
            // MHD_stop_daemon returns (closing it now could close someone else's reused fd);
            // shutting a listening socket down on Linux refuses new connections at once.
            if listening >= 0 { Glibc.shutdown(listening, Int32(SHUT_RDWR)) }
            let deadline = ClientRateLimiter.monotonicNow() + max(0, graceSeconds)
            while core.requestsInFlight.load(ordering: .relaxed) > 0 && ClientRateLimiter.monotonicNow() < deadline {
                usleep(5_000)
            }
            let abandoned = core.requestsInFlight.load(ordering: .relaxed)
            if abandoned > 0 { core.log("http: stopping with \(abandoned) request(s) still in flight after \(graceSeconds) s") }
            core.mhd.stop_daemon(daemon)
            if listening >= 0 { close(listening) }
            self.daemon = nil
            // why here: after MHD_stop_daemon returns no callback runs any more.
            Unmanaged<ServerCore>.fromOpaque(logger!.pointee.cls).release()
            logger?.deallocate()
            logger = nil
        }
    }
}
