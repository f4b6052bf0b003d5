import PayCore
import PayServices

/// What the checkout asks of the order service: the business lines, creating the sale's order,
/// finding an order to load, and the payments of an order that are not confirmed yet.
/// Acts as the operator logged in (`ConsoleServices.act`).
@MainActor
public protocol CheckoutOrders: AnyObject {
    /// The store's business lines, in the store's order.
    func businessLines() throws(PayError) -> [BusinessLine]
    /// The name of the merchant `line` belongs to (printed on its receipts); nil for a line of no
    /// merchant (the demo's lines).
    func merchantName(of line: BusinessLine) throws(PayError) -> String?
    /// Creates the order with its line's pricing applied (flight insurance, hotel deposit: the
    /// service layer's `Pricing`); `created` is false when an identical order already existed.
    func create(_ draft: OrderDraft) throws(PayError) -> (order: Order, created: Bool)
    /// What the draft's details add before the order exists (deposit, insurance), checked as
    /// `create` checks them but for what only a finished order needs; writes nothing.
    func preview(_ draft: OrderDraft) throws(PayError) -> PricePreview
    /// The order `orderNo` of `line`; `notFound` when there is none.
    func find(_ line: BusinessLineCode, _ orderNo: MerchantOrderNo) throws(PayError) -> Order
    /// The orders one identifier names (order no, serial, channel serial …), newest first.
    func search(_ identifier: String) throws(PayError) -> [Order]
    /// The order's payments that may still go through (UNKNOWN, PENDING), newest first.
    func unconfirmedPayments(orderId: Int64) throws(PayError) -> [PaymentAttempt]
    /// Attaches, changes or (nil) removes the customer of an order not paid yet, while no payment
    /// of it is open; the order as stored after.
    func setCustomer(of order: Order, to customer: String?) throws(PayError) -> Order
}

/// The store as the console's shell sees it: its kind and the first-run demo seeding.
@MainActor
public protocol ConsoleStoreInfo: AnyObject {
    /// The store's file name as the title bar shows it.
    var fileName: String { get }
    /// Whether the store is a sandbox demo store.
    func isDemo() throws(PayError) -> Bool
    /// Seeds the sandbox demo (channels, lines, operators, sample orders) into a new store.
    func seedDemo(origin: String) throws(PayError)
}

/// What the status bar shows of the background: firing alerts and the worker's state.
public struct BackgroundStatus: Sendable, Equatable {
    public var firingAlerts: Int = 0
    /// "running" (this console holds the lease), "standby" (another process does), "stopped", "error: …".
    public var worker: String = "starting"

    public init(firingAlerts: Int = 0, worker: String = "starting") {
        self.firingAlerts = firingAlerts
        self.worker = worker
    }
}

/// The background jobs running beside the console (the composition root's worker).
public protocol BackgroundJobs: Sendable {
    var status: BackgroundStatus { get }
    func start()
    func stop()
}

/// The narrow services environment handed to screens for one open store: what a screen may ask,
/// never the store itself. The composition root (`Sources/paydesk`) builds it; tests build it
/// over fakes or over the real services.
@MainActor
public struct ConsoleServices {
    public var store: any ConsoleStoreInfo
    /// Logins, the first-run administrator, the supervisor override's password check.
    public var operators: any OperatorAuthenticating
    /// The checkout's orders.
    public var orders: any CheckoutOrders
    /// The payment core; nil: "payment service not connected".
    public var payments: (any CheckoutPaymentGateway)?
    /// The orders browser, timeline and repair actions; nil: the orders screen says "not connected".
    public var support: (any SupportDesk)?
    /// The alert panel (F4) and the dashboard (F5); nil: those screens say "monitoring not connected".
    public var monitoring: (any MonitoringDesk)?
    /// The admin screens (merchants, lines, accounts, routes, risk lists); nil: "admin not connected".
    public var admin: (any AdminDesk)?
    /// Reconciliation (F6); nil: the screen says "reconciliation not connected".
    public var reconciliation: (any ReconciliationDesk)?
    /// The till after payment (refunds by items, voids, reprints, printing); nil: those say "not connected".
    public var till: (any TillDesk)?
    /// Makes the services act as this operator from now on (login, logout).
    public var act: (Actor) -> Void

    public init(store: any ConsoleStoreInfo, operators: any OperatorAuthenticating, orders: any CheckoutOrders,
                payments: (any CheckoutPaymentGateway)?, support: (any SupportDesk)? = nil, monitoring: (any MonitoringDesk)? = nil,
                admin: (any AdminDesk)? = nil, reconciliation: (any ReconciliationDesk)? = nil, till: (any TillDesk)? = nil,
                act: @escaping (Actor) -> Void = { _ in }) {
        self.till = till
        self.store = store
        self.operators = operators
        self.orders = orders
        self.payments = payments
        self.support = support
        self.monitoring = monitoring
        self.admin = admin
        self.reconciliation = reconciliation
        self.act = act
    }
}

/// How the console reaches a store: the composition root opens it and builds the services over
/// it, and runs the background jobs. PayConsole never opens a store itself.
@MainActor
public protocol ConsoleBackend {
    /// Whether a store exists at `path` (the first run starts when it does not).
    func storeExists(at path: String) -> Bool
    /// Opens (or with `create`, creates) the store and builds the services over it.
    func open(path: String, create: Bool, origin: String) throws(PayError) -> ConsoleServices
    /// Removes a store the first run created when its setup failed half way.
    func discardStore(at path: String)
    /// The background jobs to run in this process once a store is open (nil: none, e.g. in tests).
    func backgroundJobs(path: String) -> (any BackgroundJobs)?
}
