import AWSKit
import Foundation

extension SimWorld {
    /// DescribeSecurityGroups by id, in the caller's account and region: every id must be well formed
    /// (`InvalidGroupId.Malformed`) and one of the scenario's groups there (`InvalidGroup.NotFound`,
    /// naming the first unknown id, both HTTP 400); no ids describes every group of the caller's.
    func describeSecurityGroups(ids: [String], _ context: SimContext) throws(SimDenial) -> [SimSecurityGroup] {
        let known = regions[context.scope]?.securityGroups ?? []
        if let malformed = ids.first(where: { !SimSecurityGroup.isWellFormed($0) }) {
            throw SimDenial("InvalidGroupId.Malformed", "Invalid id: \"\(malformed)\" (expecting \"sg-...\")")
        }
        if let missing = ids.first(where: { !known.contains($0) }) {
            throw SimDenial("InvalidGroup.NotFound", "The security group '\(missing)' does not exist")
        }
        var seen: Set<String> = []
        let wanted = ids.isEmpty ? known.sorted() : ids.filter { seen.insert($0).inserted }
        return wanted.map { id in
            let listed = scenario.securityGroups.first {
                $0.account == context.scope.account && $0.region == context.scope.region && $0.id == id
            }
            return SimSecurityGroup(id: id, name: listed?.name, scope: context.scope)
        }
    }
}

extension SimDenial {
    /// The same refusal in EC2's words, which differ from RDS's and STS's: an unknown key or a region
    /// the key cannot act in is `AuthFailure` (401), an ended session `RequestExpired` (400).
    func inTermsOf(_ service: String) -> SimDenial {
        guard service == "ec2" else { return self }
        switch code {
        case "InvalidClientTokenId": return SimDenial("AuthFailure", "AWS was not able to validate the provided access credentials",
                                                      status: 401)
        case "ExpiredToken": return SimDenial("RequestExpired", "Request has expired.")
        default: return self
        }
    }

    /// EC2's throttling answer (HTTP 503).
    static let ec2RequestLimitExceeded = SimDenial("RequestLimitExceeded", "Request limit exceeded.", status: 503)
}

extension SimRequestDecoder {
    /// EC2 Query parameters: DescribeSecurityGroups takes `GroupId.N` only (names, filters, paging
    /// and DryRun are not simulated and answer `UnsupportedOperation` naming the parameter).
    static func decodeEC2(operation: String, params p: [String: String]) throws(SimDenial) -> SimRequest {
        guard operation == "DescribeSecurityGroups" else {
            throw SimDenial("InvalidAction", "The action \(operation) is not valid for this web service.")
        }
        var ids: [String] = []
        while let id = p["GroupId.\(ids.count + 1)"] { ids.append(id) }
        let taken = Set((0..<ids.count).map { "GroupId.\($0 + 1)" })
        if let other = p.keys.sorted().first(where: { !taken.contains($0) }) {
            throw SimDenial("UnsupportedOperation", "The simulator's DescribeSecurityGroups takes only GroupId.N, not \(other).")
        }
        return .describeSecurityGroups(ids: ids)
    }
}
