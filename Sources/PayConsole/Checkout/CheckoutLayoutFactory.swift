import PayCore

/// Makes the checkout layout a business line names; unknown names get the retail layout.
public enum CheckoutLayoutFactory {
    /// One entry per layout name.
    public static let makers: [String: @Sendable () -> CheckoutLayout] = [
        "retail": { RetailCheckoutLayout() },
        "hotel": { HotelCheckoutLayout() },
        "flight": { FlightCheckoutLayout() },
        "ticket": { TicketCheckoutLayout() },
        "insurance": { InsuranceCheckoutLayout() },
    ]

    public static func make(for line: BusinessLine) -> CheckoutLayout {
        (makers[line.layout] ?? { RetailCheckoutLayout() })()
    }
}
