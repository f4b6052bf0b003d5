import PayCore

extension ConsoleApp {
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
