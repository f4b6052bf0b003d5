/// The default checkout: items and an optional customer id.
public final class RetailCheckoutLayout: CheckoutLayout {}
