import Foundation

/// Sources whose rotation is still running in this process: a refresh of one of their targets waits
/// for tonight's snapshot to be shared with its account, and starts the moment the carrier of that
/// account is shared (or the source's run is done) rather than when the whole fleet's rotation is.
public actor SourceHolds {
    private var held: Set<String>
    /// Held source → share accounts tonight's carrier is already available and shared with.
    private var ready: [String: Set<String>] = [:]

    public init(_ sources: Set<String>) { held = sources }

    public func hold(_ sources: some Sequence<String>) {
        for source in sources {
            held.insert(source)
            ready[source] = nil
        }
    }

    /// Tonight's carriers of held `source` are shared with `accounts`: their refreshes may start.
    public func ready(_ source: String, accounts: Set<String>) {
        guard held.contains(source), !accounts.isEmpty else { return }
        ready[source, default: []].formUnion(accounts)
    }

    public func release(_ source: String) {
        held.remove(source)
        ready[source] = nil
    }

    public func releaseAll() {
        held.removeAll()
        ready.removeAll()
    }

    public var current: Current { Current(held: held, ready: ready) }

    /// The holds at one moment.
    public struct Current: Sendable {
        public var held: Set<String>
        public var ready: [String: Set<String>]

        /// Whether a refresh of `source` into `account` still waits.
        public func holds(_ source: String, account: String) -> Bool {
            held.contains(source) && ready[source]?.contains(account) != true
        }
    }
}
