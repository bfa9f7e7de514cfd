import AWSKit
import Foundation

/// What one run (an `apply`, a `plan`, a daemon pass) reads from AWS once and reuses:
/// the manual-snapshot quota per account × region, kept current with the run's own
/// creates and deletes, and whether each KMS key is customer-managed.
public actor RunCache {
    private var quotas: [String: AccountQuota?] = [:]
    private var reading: [String: Task<AccountQuota?, Never>] = [:]
    private var keys: [String: Bool] = [:]
    private var policies: [String: Result<String, any Error>] = [:]

    /// Creates an empty cache.
    public init() {}

    /// The quota of `scope`, read with `read` once per run however many sources ask at once.
    /// A read that fails (moto does not implement it; a role may lack the permission) is
    /// remembered as unknown for the run, not retried by every source.
    func quota(_ scope: String, read: @escaping @Sendable () async throws -> AccountQuota?) async -> AccountQuota? {
        if let known = quotas[scope] { return known }
        if let task = reading[scope] { return await task.value }
        let task = Task { try? await read() }
        reading[scope] = task
        let value = await task.value
        quotas[scope] = .some(value)
        reading[scope] = nil
        return value
    }

    /// Counts a snapshot this run made (+1) or deleted (−1) against the cached quota.
    func adjustQuota(_ scope: String, by delta: Int64) {
        if case .some(.some(var quota)) = quotas[scope] {
            quota.used += delta
            quotas[scope] = .some(quota)
        }
    }

    /// The key's policy, read with `read` once per run (a refusal is remembered too).
    func keyPolicy(_ key: String, read: @Sendable () async throws -> String) async -> Result<String, any Error> {
        if let known = policies[key] { return known }
        let result: Result<String, any Error>
        do { result = .success(try await read()) } catch { result = .failure(error) }
        policies[key] = result
        return result
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
