extension Schema {
    /// Version 24: the rest of a payment's configuration cached behind store versions (issue 18).
    ///
    /// `store_versions` (schema 22) gets a version for the routing rules (moved by every change of
    /// `route_rules` or `route_candidates`: a rule is read with its candidates), one for the
    /// business lines, and one for the circuit breakers, each moved by triggers on every insert,
    /// update and delete, whichever process or command makes it. A payment then reads the
    /// versions in its one statement and routes from the rules, line and breakers its process
    /// holds. A breaker's row changes only when its state does (a success on a closed, clean
    /// breaker writes nothing, `BreakerRepository.noteSuccess`), so its version stays put while
    /// payments go through and moves at once when a failure is counted.
    static let v24 = Migration(version: 24, name: "route versions", sql: """
    INSERT INTO store_versions (name, version) VALUES ('\(StoreVersions.routeRulesName)', 1), ('\(StoreVersions.businessLinesName)', 1),
        ('\(StoreVersions.breakersName)', 1);
    \(bumps(table: "route_rules", name: StoreVersions.routeRulesName))
    \(bumps(table: "route_candidates", name: StoreVersions.routeRulesName))
    \(bumps(table: "business_lines", name: StoreVersions.businessLinesName))
    \(bumps(table: "circuit_breakers", name: StoreVersions.breakersName))
    """)
}
