import Foundation
import PayCore
import PayStore
import PayServices
import PayConsole

/// The composition root of the console: opens the store, builds the narrow services the screens
/// use over it (operators, orders, the payment gateway on a connection of its own) and runs the
/// background worker. `payments` overrides the gateway (tests script it); `runsWorker` is false
/// in tests and benchmarks.
@MainActor
struct StandardConsoleBackend: ConsoleBackend {
    enum Payments { case standard, none, custom(any CheckoutPaymentGateway) }
    var payments: Payments = .standard
    /// The orders screens' services: the real ones over the store; tests give a fake or none.
    enum Support { case standard, none, custom(any SupportDesk) }
    var support: Support = .standard
    /// The alert panel's and dashboard's services, likewise.
    enum Monitoring { case standard, none, custom(any MonitoringDesk) }
    var monitoring: Monitoring = .standard
    /// The admin screens' services, likewise.
    enum Admin { case standard, none, custom(any AdminDesk) }
    var admin: Admin = .standard
    /// F6's services: nil builds the real ones over the store; tests give a fake.
    var reconciliation: (any ReconciliationDesk)?
    /// The till's services after payment: nil builds the real ones over the store; tests give a fake.
    var till: (any TillDesk)?
    var runsWorker = true

    func storeExists(at path: String) -> Bool { FileSystem.exists(path) }

    func open(path: String, create: Bool, origin: String) throws(PayError) -> ConsoleServices {
        let store = try Store.open(path: path, create: create)
        let context = try ServiceContext(store: store, actor: Actor(name: "console", role: .cashier, origin: origin))
        let gateway: (any CheckoutPaymentGateway)?
        switch payments {
        case .standard: gateway = ServiceCheckoutGateway(storePath: path)
        case .none: gateway = nil
        case .custom(let custom): gateway = custom
        }
        var desk: ServiceSupportDesk?
        let supportDesk: (any SupportDesk)?
        switch support {
        case .standard:
            desk = ServiceSupportDesk(storePath: path, now: context.now)
            supportDesk = desk
        case .none: supportDesk = nil
        case .custom(let custom): supportDesk = custom
        }
        var monitoringDesk: ServiceMonitoringDesk?
        let monitoring: (any MonitoringDesk)?
        switch self.monitoring {
        case .standard:
            monitoringDesk = try ServiceMonitoringDesk(storePath: path)
            monitoring = monitoringDesk
        case .none: monitoring = nil
        case .custom(let custom): monitoring = custom
        }
        var adminDesk: ServiceAdminDesk?
        let admin: (any AdminDesk)?
        switch self.admin {
        case .standard:
            adminDesk = try ServiceAdminDesk(storePath: path)
            admin = adminDesk
        case .none: admin = nil
        case .custom(let custom): admin = custom
        }
        let reconciliationDesk = self.reconciliation == nil ? try ServiceReconciliationDesk(storePath: path) : nil
        return ConsoleServices(store: ServiceConsoleStore(context), operators: try ServiceOperatorAuthenticator(store: store),
                               orders: ServiceCheckoutOrders(context), payments: gateway, support: supportDesk,
                               monitoring: monitoring, admin: admin, reconciliation: self.reconciliation ?? reconciliationDesk,
                               till: self.till ?? ServiceTillDesk(storePath: path),
                               act: { actor in
                                   reconciliationDesk?.act(as: actor)
                                   context.actor = actor
                                   desk?.act(as: actor)
                                   monitoringDesk?.act(as: actor)
                                   adminDesk?.act(as: actor)
                               })
    }

    func discardStore(at path: String) {
        for suffix in ["", "-wal", "-shm", ".audit-key", ".audit-anchor"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    func backgroundJobs(path: String) -> (any BackgroundJobs)? {
        runsWorker ? BackgroundWorker(storePath: path) : nil
    }
}

/// The store's kind and the first-run demo seeding, over the console's service context.
@MainActor
final class ServiceConsoleStore: ConsoleStoreInfo {
    let context: ServiceContext

    init(_ context: ServiceContext) { self.context = context }

    var fileName: String { URL(fileURLWithPath: context.store.path).lastPathComponent }

    func isDemo() throws(PayError) -> Bool {
        let store = context.store
        return try store.read { try store.meta.value("store.kind") == "demo" }
    }

    func seedDemo(origin: String) throws(PayError) {
        let seeding = try ServiceContext(store: context.store, actor: Actor(name: "first-run", role: .admin, origin: origin))
        // why: the seeder seals the channel secrets under the audit key, which `paydesk init` makes first; so here.
        _ = try AuditLog(seeding).seal()
        try DemoSeeder(seeding).seed()
    }
}

/// The checkout's orders through `OrderService`, acting as the operator logged in.
@MainActor
final class ServiceCheckoutOrders: CheckoutOrders {
    let context: ServiceContext

    init(_ context: ServiceContext) { self.context = context }

    func businessLines() throws(PayError) -> [BusinessLine] { try BusinessLineService(context).all() }

    func merchantName(of line: BusinessLine) throws(PayError) -> String? {
        try line.merchantId.map { id throws(PayError) in try MerchantService(context).require(id).name }
    }

    /// Creates the order with its line's pricing (insurance, deposit) applied by the service layer.
    func create(_ draft: OrderDraft) throws(PayError) -> (order: Order, created: Bool) {
        let service = OrderService(context)
        return try service.create(try service.priced(draft))
    }

    func preview(_ draft: OrderDraft) throws(PayError) -> PricePreview { try OrderService(context).preview(draft) }

    func find(_ line: BusinessLineCode, _ orderNo: MerchantOrderNo) throws(PayError) -> Order {
        try OrderService(context).find(line, orderNo)
    }

    func search(_ identifier: String) throws(PayError) -> [Order] { try OrderService(context).search(identifier) }

    func unconfirmedPayments(orderId: Int64) throws(PayError) -> [PaymentAttempt] {
        try UnconfirmedPayments(context).of(orderId: orderId)
    }

    func setCustomer(of order: Order, to customer: String?) throws(PayError) -> Order {
        try OrderService(context).setCustomer(of: order, to: customer)
    }
}
