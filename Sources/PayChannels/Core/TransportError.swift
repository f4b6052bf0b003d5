/// Why a message did not come back.
public enum TransportError: Error, Hashable, Sendable {
    /// No answer in time: the channel may or may not have acted.
    case timeout
    /// The channel could not be reached at all: it did nothing.
    case unreachable(String)
}
