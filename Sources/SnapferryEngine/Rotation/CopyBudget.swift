/// At most `limit` snapshot copies in flight per destination account × region
/// (RDS allows 5), shared by every source of the fleet.
public actor CopyBudget {
    private let limit: Int
    private var inFlight: [String: Set<String>] = [:]

    /// Creates a budget of `limit` copies per account × region.
    public init(limit: Int) { self.limit = limit }

    /// Reserves a slot for copy `id` into `account`/`region`; false when all are taken.
    public func reserve(account: String, region: String, id: String) -> Bool {
        let key = "\(account)/\(region)"
        var set = inFlight[key, default: []]
        if set.contains(id) { return true }
        guard set.count < limit else { return false }
        set.insert(id)
        inFlight[key] = set
        return true
    }

    /// Replaces what is in flight for `account`/`region` with what AWS shows copying.
    public func observe(account: String, region: String, copying: Set<String>) {
        inFlight["\(account)/\(region)"] = copying
    }

    /// Copies in flight for `account`/`region`.
    public func count(account: String, region: String) -> Int { inFlight["\(account)/\(region)"]?.count ?? 0 }
}
