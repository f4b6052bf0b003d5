import Foundation
import Synchronization
import PayCore
import PayStore
import PayChannels
import PayServices
import PayConsole

/// The support screens' door to the order browser, the timeline and the repair desk: the
/// services on a connection of their own, acting as the operator logged in, so a query or a
/// refund never runs on the console's main actor. An actor: one SQLite connection, one call at a time.
actor ServiceSupportDesk: SupportDesk {
    /// Who is logged in (set on the main actor at login, read here): every call acts as them.
    private let operatorName = Mutex<Actor?>(nil)
    /// The store's time at the last call, for `since:2h` in a filter on a simulated clock.
    private let storeNow: Mutex<Timestamp>
    private var services: ServicesOnDemand

    init(storePath: String, now: Timestamp) {
        services = ServicesOnDemand(storePath: storePath)
        storeNow = Mutex(now)
    }

    /// The services act as `actor` from the next call on.
    nonisolated func act(as actor: Actor?) { operatorName.withLock { $0 = actor } }

    private func open() throws(PayError) -> (context: ServiceContext, gateway: ChannelGateway) {
        guard let actor = operatorName.withLock({ $0 }) else { throw PayError.notPermitted("nobody is logged in") }
        let opened = try services.open(as: actor)
        let now = opened.context.now
        storeNow.withLock { $0 = now }
        return opened
    }

    nonisolated func parseFilter(_ text: String) throws(PayError) -> OrderQuery {
        try OrderQuery.parse(text, now: storeNow.withLock { $0 })
    }

    func page(_ query: OrderQuery, at position: BrowsePosition, limit: Int) throws(PayError) -> OrderPage {
        try OrderBrowser(open().context).page(query, at: position, limit: limit)
    }

    func reload(ids: [Int64]) throws(PayError) -> [Order] {
        try OrderBrowser(open().context).reload(ids: ids)
    }

    func exportCSV(_ query: OrderQuery, toFile path: String) throws(PayError) -> Int {
        let context = try open().context
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw PayError.invalidInput("export file '\(path)': cannot be created")
        }
        defer { try? handle.close() }
        var buffer = Data()
        let rows = try OrderBrowser(context).exportCSV(query) { line in
            buffer.append(contentsOf: line.utf8)
            if buffer.count >= 65_536 { try handle.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
        }
        do { try handle.write(contentsOf: buffer) } catch {
            throw PayError.internal("export file '\(path)': \(error.localizedDescription)")
        }
        return rows
    }

    func savedViews() throws(PayError) -> [SavedView] { try OrderBrowser(open().context).savedViews() }

    func saveView(name: String, query: String) throws(PayError) {
        try OrderBrowser(open().context).saveView(name: name, query: query)
    }

    func deleteView(name: String) throws(PayError) { try OrderBrowser(open().context).deleteView(name: name) }

    func detail(orderId: Int64) throws(PayError) -> OrderDetail {
        let service = OrderService(try open().context)
        return try service.detail(try service.find(id: orderId))
    }

    func timeline(orderId: Int64) throws(PayError) -> [TimelineEntry] {
        try OrderTimeline(open().context).entries(orderId: orderId)
    }

    func raw(_ id: RawRecordID) throws(PayError) -> RawRecord { try OrderTimeline(open().context).raw(id) }

    nonisolated func prettyLines(_ record: RawRecord) -> [String] { record.prettyLines }

    func actions(orderId: Int64) throws(PayError) -> [RepairAction] {
        let (context, gateway) = try open()
        return try RepairDesk(context, gateway: gateway).actions(orderId: orderId)
    }

    func preview(_ action: RepairAction, orderId: Int64) throws(PayError) -> RepairPreview {
        let (context, gateway) = try open()
        return try RepairDesk(context, gateway: gateway).preview(action, orderId: orderId)
    }

    func perform(_ request: RepairRequest, orderId: Int64) throws(PayError) -> RepairResult {
        let (context, gateway) = try open()
        return try RepairDesk(context, gateway: gateway).perform(request, orderId: orderId)
    }
}
