import Foundation
import PayCore
import PayServices
import PayStore
import TUIKit

/// How the console was started: `paydesk [--db PATH] [--theme NAME] [--mouse]`.
public struct ConsoleOptions: Sendable {
    public var storePath: String
    public var themeName: String?
    public var mouse: Bool
    public var environment: [String: String]
    /// Where receipts are saved (default: `receipts/` beside the store).
    public var receiptsDirectory: String
    /// Where the operator sits, for the audit trail ("console tty /dev/pts/3").
    public var origin: String
    public var themeLoader: ThemeLoader

    public init(storePath: String, themeName: String? = nil, mouse: Bool = false, environment: [String: String] = [:],
                receiptsDirectory: String? = nil, origin: String = "console", themeLoader: ThemeLoader = ThemeLoader(directories: [])) {
        self.storePath = storePath
        self.themeName = themeName
        self.mouse = mouse
        self.environment = environment
        let folder = URL(fileURLWithPath: storePath).deletingLastPathComponent().path
        self.receiptsDirectory = receiptsDirectory ?? (folder + "/receipts")
        self.origin = origin
        self.themeLoader = themeLoader
    }
}

/// The parts of the service layer the composition root plugs in: logins, the payment gateway
/// and the background worker. Tests swap the gateway for a scripted one.
@MainActor
public struct ConsoleServices {
    public var makeAuthenticator: (Store) throws(PayError) -> any OperatorAuthenticating
    public var makeGateway: (ServiceContext) -> (any CheckoutPaymentGateway)?
    /// The worker to run in this process once a store is open (nil: none, e.g. in tests).
    public var makeWorker: (String) -> BackgroundWorker?
    /// The support services for the orders screens (nil: F3 says they are not connected).
    public var support: (any SupportDesk)?

    public init(makeAuthenticator: @escaping (Store) throws(PayError) -> any OperatorAuthenticating,
                makeGateway: @escaping (ServiceContext) -> (any CheckoutPaymentGateway)?,
                makeWorker: @escaping (String) -> BackgroundWorker? = { _ in nil }, support: (any SupportDesk)? = nil) {
        self.makeAuthenticator = makeAuthenticator
        self.makeGateway = makeGateway
        self.makeWorker = makeWorker
        self.support = support
    }

    /// The real services: operators module logins, the payment core, a worker in this process.
    public static var standard: ConsoleServices {
        ConsoleServices(makeAuthenticator: { store throws(PayError) in try ServiceOperatorAuthenticator(store: store) },
                        makeGateway: { context in ServiceCheckoutGateway(storePath: context.store.path) },
                        makeWorker: { path in BackgroundWorker(storePath: path) })
    }
}
