import AWSKit
import Foundation
import Testing

@Suite struct EndpointAndQueryTests {
    @Test func endpoint_followsTheAWSCLIPrecedence() {
        let all = EndpointResolver(environment: ["AWS_ENDPOINT_URL_RDS": "http://rds.local:1", "AWS_ENDPOINT_URL": "http://all.local:2"],
                                   configURL: "http://file.local:3", configServices: ["rds": "http://file-rds.local:4"])
        #expect(all.endpoint(for: .rds, region: "eu-west-1")?.absoluteString == "http://rds.local:1")
        #expect(all.endpoint(for: .sts, region: "eu-west-1")?.absoluteString == "http://all.local:2")
        let file = EndpointResolver(environment: [:], configURL: "http://file.local:3", configServices: ["kms": "http://file-kms.local:4"])
        #expect(file.endpoint(for: .kms, region: "eu-west-1")?.absoluteString == "http://file-kms.local:4")
        #expect(file.endpoint(for: .rds, region: "eu-west-1")?.absoluteString == "http://file.local:3")
        let none = EndpointResolver(environment: [:])
        #expect(none.endpoint(for: .rds, region: "eu-west-1")?.absoluteString == "https://rds.eu-west-1.amazonaws.com")
        #expect(none.endpoint(for: .sts, region: "cn-north-1")?.absoluteString == "https://sts.cn-north-1.amazonaws.com.cn")
    }

    @Test func queryBody_isSortedAndRFC3986Encoded() {
        var p = QueryParameters()
        p.set("DBClusterSnapshotIdentifier", "snap a/b+c")
        p.setTags([Tag("snapferry:slot", "2026-12-01T02:00:00Z")])
        p.setList("ValuesToAdd", member: "AttributeValue", ["111111111111", "222222222222"])
        p.set("IncludeShared", true)
        p.set("MinCapacity", 0.5)
        p.set("MaxCapacity", 8.0)
        #expect(p.formEncoded(action: "X", version: "2014-10-31") ==
            "Action=X&DBClusterSnapshotIdentifier=snap%20a%2Fb%2Bc&IncludeShared=true&MaxCapacity=8&MinCapacity=0.5"
            + "&Tags.Tag.1.Key=snapferry%3Aslot&Tags.Tag.1.Value=2026-12-01T02%3A00%3A00Z"
            + "&ValuesToAdd.AttributeValue.1=111111111111&ValuesToAdd.AttributeValue.2=222222222222&Version=2014-10-31")
        #expect(QueryParameters.parseForm("A=snap%20a%2Fb&B=x+y")["A"] == "snap a/b")
    }

    @Test func errorHints_nameThePermissionAndTheStatement() {
        let denied = AWSError(service: "rds", operation: "CopyDBClusterSnapshot", code: "AccessDenied",
                              message: "User: arn:aws:sts::2:assumed-role/r/s is not authorized to perform: kms:CreateGrant on resource: arn:aws:kms:eu-west-1:1:key/k",
                              httpStatus: 403)
        #expect(denied.hint?.contains("grant kms:CreateGrant on the key") == true)
        #expect(denied.hint?.contains("SnapferryShareKeyWithTargets") == true)
        let kms = AWSError(service: "rds", operation: "RestoreDBClusterFromSnapshot", code: "KMSKeyNotAccessibleFault", message: "x", httpStatus: 400)
        #expect(kms.hint?.contains("kms:RetireGrant") == true)
        #expect(kms.retryClass == .terminal)
        let throttled = AWSError(service: "rds", operation: "DescribeDBClusters", code: "Throttling", message: "Rate exceeded", httpStatus: 400)
        #expect(throttled.retryClass == .throttling)
    }
}
