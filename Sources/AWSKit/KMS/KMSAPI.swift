import Foundation

/// DescribeKey's KeyMetadata (the fields snapferry reads).
public struct KeyMetadata: Sendable, Hashable {
    /// Key id (UUID or mrk-…).
    public var keyId: String
    /// Key ARN.
    public var arn: String
    /// `AWS` for AWS-managed keys such as aws/rds, `CUSTOMER` for CMKs.
    public var keyManager: String
    /// `Enabled`, `Disabled`, `PendingDeletion`, …
    public var keyState: String
    /// Whether usable.
    public var enabled: Bool
    /// Description.
    public var description: String?
    /// Creates the record.
    public init(keyId: String, arn: String, keyManager: String, keyState: String, enabled: Bool, description: String? = nil) {
        self.keyId = keyId; self.arn = arn; self.keyManager = keyManager; self.keyState = keyState
        self.enabled = enabled; self.description = description
    }
    /// True for customer-managed keys, the only ones a shared snapshot can use.
    public var isCustomerManaged: Bool { keyManager == "CUSTOMER" }
}

/// A KMS alias.
public struct KMSAlias: Sendable, Hashable {
    /// `alias/…`.
    public var name: String
    /// Alias ARN.
    public var arn: String
    /// The key it points to (absent for some AWS-managed aliases not yet used).
    public var targetKeyId: String?
    /// Creates the record.
    public init(name: String, arn: String, targetKeyId: String?) { self.name = name; self.arn = arn; self.targetKeyId = targetKeyId }
}

/// The KMS operations snapferry uses.
public protocol KMSAPI: Sendable {
    /// DescribeKey by id, ARN, alias name or alias ARN.
    func describeKey(keyId: String) async throws -> KeyMetadata
    /// GetKeyPolicy (policy name `default`).
    func getKeyPolicy(keyId: String) async throws -> String
    /// ListAliases (one page; `Limit` 1–100, `Marker`).
    func listAliases(keyId: String?, limit: Int?, marker: String?) async throws -> Page<KMSAlias>
}
