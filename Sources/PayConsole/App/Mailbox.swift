import Synchronization

/// Results of background work, posted from any thread and taken by the console loop on the main
/// actor, so a slow channel never holds up a key press.
final class Mailbox: Sendable {
    private let items = Mutex<[(Int, any Sendable)]>([])

    func post(_ id: Int, _ value: any Sendable) {
        items.withLock { $0.append((id, value)) }
    }

    func takeAll() -> [(Int, any Sendable)] {
        items.withLock { items in
            let all = items
            items.removeAll()
            return all
        }
    }
}
