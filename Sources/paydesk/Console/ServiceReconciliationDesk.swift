import PayCore
import PayStore
import PayChannels
import PayServices
import PayConsole

/// F6's door to `ReconciliationService`, on a connection of its own, acting as the operator
/// logged in; resolutions go through the payment and refund services over the store's channels.
@MainActor
final class ServiceReconciliationDesk: ReconciliationDesk {
    private let context: ServiceContext

    init(storePath: String) throws(PayError) {
        let store = try Store.open(path: storePath)
        // why: nobody is logged in yet; a cashier may read no runs, so every call is refused until `act`.
        context = try ServiceContext(store: store, actor: Actor(name: "nobody", role: .cashier, origin: "console"))
    }

    func act(as actor: Actor) { context.actor = actor }

    private func service() throws(PayError) -> ReconciliationService {
        try context.refreshClock()
        return ReconciliationService(context, gateway: try ChannelGateway(store: context.store, clock: context.clock))
    }

    func runs() throws(PayError) -> [ReconciliationRun] { try service().runs() }

    func report(run id: Int64) throws(PayError) -> ReconciliationReport { try service().report(run: id) }

    func plan(mismatch id: Int64, as resolution: MismatchResolution) throws(PayError) -> ResolutionPlan {
        try service().plan(id, as: resolution)
    }

    func resolve(mismatch id: Int64, as resolution: MismatchResolution, reason: String,
                 approver: (name: String, password: String)?) throws(PayError) -> Mismatch {
        let service = try service()
        let second = try approver.map { pair throws(PayError) in
            try OperatorService(context).login(name: pair.name, password: pair.password, origin: context.actor.origin)
        }
        return try service.resolve(id, as: resolution, reason: reason, approver: second)
    }
}
