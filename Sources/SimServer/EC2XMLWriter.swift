import AWSKit
import AWSSimulator
import Foundation

/// EC2's XML, in the shapes of botocore's EC2 2016-11-15 model: `<{Op}Response>` with a lower-camel
/// `requestId` and members (no `<{Op}Result>`), lists as `<name><item>…</item></name>`; errors as
/// `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`.
enum EC2XMLWriter {
    static let namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

    /// A success document.
    static func success(operation: String, requestId: String, response: SimResponse) -> String {
        var writer = XMLWriter()
        writer.element("\(operation)Response", attributes: [("xmlns", namespace)]) { w in
            w.leaf("requestId", requestId)
            if case .securityGroups(let groups) = response {
                w.element("securityGroupInfo") { info in
                    for group in groups { info.element("item") { securityGroup(&$0, group) } }
                }
            }
        }
        return writer.text
    }

    /// No inbound rules and AWS's default outbound rule, as a new VPC security group has.
    private static func securityGroup(_ w: inout XMLWriter, _ group: SimSecurityGroup) {
        w.leaf("ownerId", group.ownerId)
        w.leaf("groupId", group.id)
        w.leaf("groupName", group.name)
        w.leaf("groupDescription", group.description)
        w.element("ipPermissions") { _ in }
        w.element("ipPermissionsEgress") { egress in
            egress.element("item") { rule in
                rule.leaf("ipProtocol", "-1")
                rule.element("groups") { _ in }
                rule.element("ipRanges") { ranges in ranges.element("item") { $0.leaf("cidrIp", "0.0.0.0/0") } }
                rule.element("ipv6Ranges") { _ in }
                rule.element("prefixListIds") { _ in }
            }
        }
        w.leaf("vpcId", group.vpcId)
        w.leaf("securityGroupArn", group.arn)
    }

    /// An error document.
    static func error(code: String, message: String, requestId: String) -> String {
        var writer = XMLWriter()
        writer.element("Response") { w in
            w.element("Errors") { errors in
                errors.element("Error") { e in
                    e.leaf("Code", code)
                    e.leaf("Message", message)
                }
            }
            w.leaf("RequestID", requestId)
        }
        return writer.text
    }
}

extension WireErrors {
    /// An EC2 error reply.
    static func ec2(_ code: String, _ message: String, status: Int, requestId: String? = nil) -> WireReply {
        let id = requestId ?? UUID().uuidString.lowercased()
        let xml = EC2XMLWriter.error(code: code, message: message, requestId: id)
        return WireReply(status: status, headers: queryHeaders(id), body: Data(xml.utf8))
    }

    /// EC2's answer to a key it does not know or a signature that does not match (it tells neither apart).
    static func ec2AuthFailure() -> WireReply {
        ec2("AuthFailure", "AWS was not able to validate the provided access credentials", status: 401)
    }
}
