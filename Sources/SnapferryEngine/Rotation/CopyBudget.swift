/// At most `limit` snapshot copies in flight per destination account × region
/// (RDS allows 5), shared by every source of the fleet.
public actor CopyBudget {
    private let limit: Int
    /// account/region → copy id → the source that started it.
    private var inFlight: [String: [String: String]] = [:]

    /// Creates a budget of `limit` copies per account × region.
    public init(limit: Int) { self.limit = limit }

    /// Reserves a slot for copy `id` of `owner` into `account`/`region`; false when all are taken.
    public func reserve(account: String, region: String, id: String, owner: String) -> Bool {
        let key = "\(account)/\(region)"
        var copies = inFlight[key, default: [:]]
        if copies[id] != nil { return true }
        guard copies.count < limit else { return false }
        copies[id] = owner
        inFlight[key] = copies
        return true
    }

    /// Frees the slots of `owner`'s copies that its latest observation no longer shows copying.
    /// Other sources' copies in the same account are left alone.
    public func settle(account: String, region: String, owner: String, stillCopying: Set<String>) {
        let key = "\(account)/\(region)"
        guard let copies = inFlight[key] else { return }
        inFlight[key] = copies.filter { $0.value != owner || stillCopying.contains($0.key) }
    }

    /// Copies in flight for `account`/`region`.
    public func count(account: String, region: String) -> Int { inFlight["\(account)/\(region)"]?.count ?? 0 }
}
