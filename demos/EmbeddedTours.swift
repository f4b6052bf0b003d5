/// The guided tours built into the binary (`demos/*.tour`, embedded at build time like the themes),
/// in the order `paydesk demo --list` shows them. A user directory adds or overrides
/// (`DemoCatalog` in the composition root).
public enum EmbeddedTours {
    /// (name, text) of each shipped tour.
    public static let all: [(name: String, text: String)] = [
        ("happy-path", String(decoding: PackageResources.happy_path_tour, as: UTF8.self)),
        ("lost-callback", String(decoding: PackageResources.lost_callback_tour, as: UTF8.self)),
        ("duplicate-payment", String(decoding: PackageResources.duplicate_payment_tour, as: UTF8.self)),
        ("risk-challenge", String(decoding: PackageResources.risk_challenge_tour, as: UTF8.self)),
        ("channel-outage", String(decoding: PackageResources.channel_outage_tour, as: UTF8.self)),
        ("partial-refunds", String(decoding: PackageResources.partial_refunds_tour, as: UTF8.self)),
        ("forged-callback", String(decoding: PackageResources.forged_callback_tour, as: UTF8.self)),
        ("reconciliation", String(decoding: PackageResources.reconciliation_tour, as: UTF8.self)),
    ]
}
