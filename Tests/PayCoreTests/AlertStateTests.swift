import Testing
@testable import PayCore

/// The alert machine as issue 12 words it: PENDING → FIRING → ACKNOWLEDGED → RESOLVED, pending
/// resolves when it clears before its `for`, an acknowledged alert still resolves by itself.
@Suite("Alert state machine")
struct AlertStateTests {
    static let legal: Set<String> = ["PENDING>FIRING", "PENDING>RESOLVED", "FIRING>ACKNOWLEDGED", "FIRING>RESOLVED", "ACKNOWLEDGED>RESOLVED"]

    @Test("alerts move only along the legal pairs, and RESOLVED is final")
    func table() {
        for from in AlertState.allCases {
            for to in AlertState.allCases {
                let key = "\(from.rawValue)>\(to.rawValue)"
                #expect(from.canMove(to: to) == Self.legal.contains(key), "\(key)")
            }
        }
        #expect(AlertState.allCases.filter { !$0.isOpen } == [.resolved])
    }
}
