import PayCore

extension ConsoleApp {
    /// The support services the orders screens ask (nil when the composition root gave none).
    public var support: (any SupportDesk)? { services?.support }

    /// Opens a screen on top of the current one (Esc comes back).
    func push(_ screen: any ConsoleScreen) { screens.append(screen) }

    /// Runs a call to the support services off the loop and hands its result to `then` on it.
    /// Without support services `then` gets an error saying so.
    func ask<T: Sendable>(_ work: @escaping @Sendable (any SupportDesk) async throws(PayError) -> T,
                          then: @escaping (Result<T, PayError>) -> Void) {
        guard let support else {
            then(.failure(.internal(OrdersScreen.notConnected)))
            return
        }
        perform({ () async -> Result<T, PayError> in
            do throws(PayError) { return .success(try await work(support)) } catch { return .failure(error) }
        }, then: then)
    }

    /// Whether the operator sees only their own sales (a cashier).
    var seesOwnSalesOnly: Bool { session?.role == .cashier }
}
