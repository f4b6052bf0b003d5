import PayCore
import PayServices

/// `/metrics` and `/readyz`: not signed by a business line (Prometheus scrapes them, probes call them).
enum OperationsRoutes {
    /// `GET /metrics`: the Prometheus text of `paydesk metrics`.
    static func metrics(lane: ServiceLane, request: HTTPRequest) throws -> HTTPResponse {
        try refuseQuery(request)
        // why support: the least trusted role that may read the metrics; this actor does nothing else.
        lane.context.actor = Actor(name: "http:metrics", role: .support, origin: "http \(request.remoteAddress)")
        let text = try MetricsService(lane.context).exposition()
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: Array(text.utf8))
    }

    /// `GET /readyz`: 200 when the store takes a write, a worker holds the lease and its last
    /// round is recent; 503 naming the checks that failed.
    static func readiness(lane: ServiceLane, request: HTTPRequest, maxLag: Int64) throws -> HTTPResponse {
        try refuseQuery(request)
        lane.context.actor = Actor(name: "http:probe", role: .cashier, origin: "http \(request.remoteAddress)")
        let report = Readiness(lane.context).check(maxWorkerLagMilliseconds: maxLag)
        return PaymentCenterAPI.json(report.ready ? 200 : 503, ReadinessAnswer(report))
    }

    struct ReadinessAnswer: Encodable {
        let status: String
        let checks: [String: Readiness.Check]
        let failed: [String]

        init(_ report: Readiness.Report) {
            status = report.ready ? "ready" : "not_ready"
            checks = report.checks
            failed = report.failed
        }
    }

    static func refuseQuery(_ request: HTTPRequest) throws(APIFailure) {
        if let first = request.query.first {
            throw APIFailure.invalid(String(first.name.prefix(64)), "query parameter '\(first.name.prefix(64))': not taken by this route")
        }
    }
}
