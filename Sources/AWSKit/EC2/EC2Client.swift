import Foundation

/// The live EC2 client for one account and region (botocore's `ec2` protocol, API 2016-11-15).
public struct EC2Client: EC2API {
    let client: AWSClient

    /// Creates a client that sends through `client`.
    public init(client: AWSClient) { self.client = client }

    /// DescribeSecurityGroups with `GroupId.1`, `GroupId.2`, … (no paging: AWS refuses `MaxResults`
    /// together with ids and answers every named group at once).
    public func describeSecurityGroups(ids: [String]) async throws -> [SecurityGroup] {
        guard !ids.isEmpty else { return [] }
        var p = QueryParameters()
        p.setEC2List("GroupId", ids)
        let response = try await client.query(.ec2, action: "DescribeSecurityGroups", p)
        return try EC2Decode.securityGroups(response)
    }
}

/// Reads EC2 answers: lower-camel elements, lists as `<name><item>…</item></name>`.
public enum EC2Decode {
    /// The groups of a `<DescribeSecurityGroupsResponse>`.
    public static func securityGroups(_ response: XMLNode) throws -> [SecurityGroup] {
        guard let info = response.child("securityGroupInfo") else {
            if response.name == "DescribeSecurityGroupsResponse" { return [] }
            throw AWSError(kind: .malformedResponse, service: "ec2", operation: "DescribeSecurityGroups", code: "",
                           message: "answer <\(response.name)> is not a DescribeSecurityGroupsResponse")
        }
        return try info.children("item").map { item in
            guard let id = item.string("groupId"), let name = item.string("groupName") else {
                throw AWSError(kind: .malformedResponse, service: "ec2", operation: "DescribeSecurityGroups", code: "",
                               message: "a securityGroupInfo item has no groupId or groupName")
            }
            return SecurityGroup(id: id, name: name, vpcId: item.string("vpcId"))
        }
    }
}

extension QueryParameters {
    /// EC2's list flattening, `Name.N` (botocore's `ec2` serializer: every list is flat and named
    /// after the member's `locationName`, capitalised); an empty list sends nothing.
    public mutating func setEC2List(_ name: String, _ items: [String]) {
        for (i, item) in items.enumerated() { set("\(name).\(i + 1)", item) }
    }
}
