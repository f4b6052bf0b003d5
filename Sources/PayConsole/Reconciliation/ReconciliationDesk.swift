import PayCore

/// What the reconciliation screen (F6) asks of the services: runs by date and channel account,
/// a run's mismatches, and resolving one (issue 16).
@MainActor
public protocol ReconciliationDesk: AnyObject {}
