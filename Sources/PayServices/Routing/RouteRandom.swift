/// The source of chance routing draws on (weighted split, success-rate exploration).
///
/// The system's generator in service; a seeded one in tests so a split can be checked exactly.
/// why a class: a draw advances the generator, and a `RoutingService` is passed by value.
public final class RouteRandom {
    private var generator: any RandomNumberGenerator

    public init(_ generator: some RandomNumberGenerator) { self.generator = generator }

    /// The operating system's generator.
    public static func system() -> RouteRandom { RouteRandom(SystemRandomNumberGenerator()) }

    /// A uniform integer in `0..<bound` (bound above zero).
    func below(_ bound: UInt64) -> UInt64 { generator.next(upperBound: bound) }

    /// True with probability `p`.
    func chance(_ p: Double) -> Bool {
        Double(generator.next() >> 11) * 0x1p-53 < p
    }
}
