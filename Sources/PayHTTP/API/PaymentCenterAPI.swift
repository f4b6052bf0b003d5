import Foundation
import PayCore
import PayServices

/// The payment center over HTTP: the /v1 API for business systems, the channels' notify
/// endpoints and the operations endpoints (`/metrics`, `/healthz`, `/readyz`).
///
/// A pure function of the request: each request borrows a lane (its own store connection and
/// channel gateway) for as long as it runs, sets the lane's actor to the caller, and answers.
/// Every /v1 request is authenticated first — before its body is parsed and before any of the
/// data it names is read —; an order of another business line is `404`, as if it did not exist.
/// Every service error is answered in the one error shape (`APIFailure.from`).
public final class PaymentCenterAPI: HTTPHandler {
    let lanes: any ServiceLanes
    let log: @Sendable (String) -> Void
    let maxWorkerLagMilliseconds: Int64

    /// - Parameters:
    ///   - lanes: where each request gets its store connection and channel gateway.
    ///   - maxWorkerLagSeconds: `/readyz` fails when the worker's last round is older (1 s to a day).
    ///   - log: where internal errors' details go (the answer says only "internal error" and the
    ///     request id); one line each, prefixed with the request id.
    public init(lanes: any ServiceLanes, maxWorkerLagSeconds: Int = 60, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.lanes = lanes
        self.log = log
        self.maxWorkerLagMilliseconds = Int64(min(max(1, maxWorkerLagSeconds), 86_400)) * 1000
    }

    public func bodyLimit(method: String, path: String) -> Int {
        // why 1 KiB for the rest: an unknown route or a wrong method is answered 404/405, not 413.
        guard case .route(let route, _) = APIRoute.match(method: method, path: path) else { return 1024 }
        return route.bodyLimit
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        switch APIRoute.match(method: request.method, path: request.path) {
        case .notFound:
            return APIFailure.routeNotFound(request.method, request.path).response()
        case .methodNotAllowed(let allow):
            return APIFailure.methodNotAllowed(request.method, request.path, allow: allow).response()
        case .route(let route, let parameters):
            if route == .healthz { return Self.json(200, ["status": "ok"]) }
            do {
                return try lanes.withLane { lane in
                    try lane.context.refreshClock()
                    return try answer(route, parameters, request, lane: lane)
                }
            } catch let failure as APIFailure {
                return failed(failure, request)
            } catch let error as PayError {
                return failed(APIFailure.from(error, requestId: request.requestId), request)
            } catch {
                return failed(APIFailure.internal("\(error)", requestId: request.requestId), request)
            }
        }
    }

    func failed(_ failure: APIFailure, _ request: HTTPRequest) -> HTTPResponse {
        if let detail = failure.logDetail {
            log("id=\(request.requestId) \(request.method) \(request.path): internal error: \(detail)")
        }
        return failure.response()
    }

    /// One matched request on its lane.
    func answer(_ route: APIRoute, _ parameters: [String: String], _ request: HTTPRequest, lane: ServiceLane) throws -> HTTPResponse {
        switch route {
        case .healthz: return Self.json(200, ["status": "ok"])
        case .readyz: return try OperationsRoutes.readiness(lane: lane, request: request, maxLag: maxWorkerLagMilliseconds)
        case .metrics: return try OperationsRoutes.metrics(lane: lane, request: request)
        case .notify:
            return ChannelNotifyEndpoint().handle(request, channel: parameters["channel"] ?? "", account: parameters["account"] ?? "", lane: lane)
        default: break
        }
        let caller = try AuthenticationGuard.authenticate(request, lane: lane)
        lane.context.actor = caller.actor
        let call = APICall(request: request, parameters: parameters, caller: caller, lane: lane, log: log)
        switch route {
        case .createOrder: return try OrderRoutes.create(call)
        case .listOrders: return try OrderRoutes.list(call)
        case .getOrder: return try OrderRoutes.get(call)
        case .getPayment: return try OrderRoutes.byPaymentSerial(call)
        case .getPaymentByChannelSerial: return try OrderRoutes.byChannelSerial(call)
        case .pay: return try PaymentRoutes.pay(call)
        case .refund: return try PaymentRoutes.refund(call)
        case .close: return try PaymentRoutes.close(call)
        case .notify, .metrics, .healthz, .readyz: throw APIFailure.routeNotFound(request.method, request.path)
        }
    }

    // MARK: Answers

    /// A JSON answer; `replayed` adds `Idempotent-Replayed: true`.
    static func json<T: Encodable>(_ status: Int, _ value: T, replayed: Bool = false) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(value)).map { Array($0) } ?? Array("{}".utf8)
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if replayed { headers.append(("Idempotent-Replayed", "true")) }
        return HTTPResponse(status: status, headers: headers, body: Array(body))
    }
}

/// One authenticated /v1 request on its lane.
struct APICall {
    let request: HTTPRequest
    let parameters: [String: String]
    let caller: APICaller
    let lane: ServiceLane
    let log: @Sendable (String) -> Void

    var context: ServiceContext { lane.context }
    var line: BusinessLineCode { caller.line }

    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// The request ran but its outcome could not be kept under its key (the store failed after
    /// the work was done): the key stays in flight, so a retry is refused, not run twice.
    func noteUnkept(_ kept: Bool, key: IdempotencyKey?) {
        guard !kept, let key else { return }
        log("id=\(request.requestId) \(request.method) \(request.path): the outcome could not be kept under Idempotency-Key \(key)")
    }

    /// The order no of the path, checked.
    func orderNo() throws(APIFailure) -> MerchantOrderNo {
        do {
            return try MerchantOrderNo(parameter("orderNo"), field: "orderNo")
        } catch {
            throw APIFailure.invalid("orderNo", error.message)
        }
    }

    /// The body's `businessLine`, when given, must be the signer's (403 otherwise).
    func checkLine(_ fields: inout JSONFields) throws(APIFailure) {
        guard let given = try fields.optionalString("businessLine") else { return }
        guard given == line.rawValue else { throw APIFailure.lineMismatch(given, caller: line) }
    }
}
