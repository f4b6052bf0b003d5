/// Every command of the command line, in the order `paydesk --help` lists them. A new command
/// group adds its specs here.
enum CommandRegistry {
    static let all: [CommandSpec] =
        InitCommand.specs
        + OrderCommands.specs
        + TimelineCommands.specs
        + PaymentCommands.specs
        + SettleCommand.specs
        + ClockCommand.specs
        + BusinessCommands.specs
        + WorkerCommand.specs
        + ServeCommand.specs
        + CheckCommand.specs
        + AlertCommands.specs
        + MetricsCommand.specs
        + AlertSinkCommands.specs
        + RouteCommands.specs
        + RiskCommands.specs
        + BenchCommands.specs
        + OperatorCommands.specs
        + AuditCommands.specs
        + ReconcileCommands.specs
        + SandboxCommands.specs + NotifyCommand.specs
        + SandboxServeCommand.specs
        + MerchantCommands.specs + AccountCommands.specs + SandboxPortalCommands.specs
        + DemoCommand.specs
}
