import AWSKit
import Foundation

/// An in-process `STSAPI` over a `SimWorld`, bound to a caller and region.
public struct SimSTS: STSAPI {
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

    /// AssumeRole.
    public func assumeRole(roleArn: String, sessionName: String, externalId: String?,
                           durationSeconds: Int?) async throws -> AssumedRoleCredentials {
        let request = SimRequest.assumeRole(roleArn: roleArn, sessionName: sessionName, externalId: externalId,
                                            durationSeconds: durationSeconds)
        let result = await world.execute(request, caller: caller, region: region)
        guard case .assumedRole(let credentials, _) = try result.get(service: "sts", operation: request.operation) else {
            throw AWSError(kind: .malformedResponse, service: "sts", operation: request.operation, code: "", message: "wrong result type")
        }
        return credentials
    }

    /// GetCallerIdentity.
    public func getCallerIdentity() async throws -> CallerIdentity {
        let result = await world.execute(.getCallerIdentity, caller: caller, region: region)
        guard case .callerIdentity(let identity) = try result.get(service: "sts", operation: "GetCallerIdentity") else {
            throw AWSError(kind: .malformedResponse, service: "sts", operation: "GetCallerIdentity", code: "", message: "wrong result type")
        }
        return identity
    }
}
