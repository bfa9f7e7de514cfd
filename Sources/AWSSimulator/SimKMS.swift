import AWSKit
import Foundation

/// An in-process `KMSAPI` over a `SimWorld`, bound to a caller and region.
public struct SimKMS: KMSAPI {
    /// The world.
    public let world: SimWorld
    /// Who calls.
    public let caller: SimCaller
    /// Region.
    public let region: String

    /// Creates a client.
    public init(world: SimWorld, caller: SimCaller, region: String) {
        self.world = world; self.caller = caller; self.region = region
    }

    private func call(_ request: SimRequest) async throws -> SimResponse {
        try await world.execute(request, caller: caller, region: region).get(service: "kms", operation: request.operation)
    }

    private func unexpected(_ operation: String) -> AWSError {
        AWSError(kind: .malformedResponse, service: "kms", operation: operation, code: "", message: "wrong result type")
    }

    /// DescribeKey.
    public func describeKey(keyId: String) async throws -> KeyMetadata {
        guard case .keyMetadata(let value) = try await call(.describeKey(keyId: keyId)) else { throw unexpected("DescribeKey") }
        return value
    }

    /// GetKeyPolicy (`default`).
    public func getKeyPolicy(keyId: String) async throws -> String {
        guard case .keyPolicy(let value) = try await call(.getKeyPolicy(keyId: keyId, policyName: "default")) else {
            throw unexpected("GetKeyPolicy")
        }
        return value
    }

    /// ListAliases.
    public func listAliases(keyId: String?, limit: Int?, marker: String?) async throws -> Page<KMSAlias> {
        guard case .aliasPage(let value) = try await call(.listAliases(keyId: keyId, limit: limit, marker: marker)) else {
            throw unexpected("ListAliases")
        }
        return value
    }
}
