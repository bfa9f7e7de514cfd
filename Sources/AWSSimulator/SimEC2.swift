import AWSKit
import Foundation

/// An in-process `EC2API` over a `SimWorld`, bound to a caller and region.
public struct SimEC2: EC2API {
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

    /// DescribeSecurityGroups; like the live client, no ids makes no call.
    public func describeSecurityGroups(ids: [String]) async throws -> [SecurityGroup] {
        guard !ids.isEmpty else { return [] }
        let request = SimRequest.describeSecurityGroups(ids: ids)
        let response = try await world.execute(request, caller: caller, region: region).get(service: "ec2", operation: request.operation)
        guard case .securityGroups(let groups) = response else {
            throw AWSError(kind: .malformedResponse, service: "ec2", operation: request.operation, code: "", message: "wrong result type")
        }
        return groups.map { SecurityGroup(id: $0.id, name: $0.name, vpcId: $0.vpcId) }
    }
}
