import AWSKit
import Foundation

/// What one run (an `apply`, a `plan`, a daemon pass) reads from AWS once and reuses:
/// the manual-snapshot quota per account × region, kept current with the run's own
/// creates and deletes, and whether each KMS key is customer-managed.
public actor RunCache {
    private var quotas: [String: AccountQuota] = [:]
    private var keys: [String: Bool] = [:]

    /// Creates an empty cache.
    public init() {}

    /// The quota of `scope`, read with `read` the first time only.
    func quota(_ scope: String, read: @Sendable () async throws -> AccountQuota?) async throws -> AccountQuota? {
        if let known = quotas[scope] { return known }
        guard let read = try await read() else { return nil }
        quotas[scope] = read
        return read
    }

    /// Counts a snapshot this run made (+1) or deleted (−1) against the cached quota.
    func adjustQuota(_ scope: String, by delta: Int64) {
        quotas[scope]?.used += delta
    }

    /// Whether `key` is customer-managed, asked with `describe` once per run.
    func isCustomerManaged(_ key: String, describe: @Sendable () async throws -> Bool) async -> Bool {
        if let known = keys[key] { return known }
        // A key snapferry may not describe is treated as not shareable, and asked again next run.
        guard let answer = try? await describe() else { return false }
        keys[key] = answer
        return answer
    }
}
