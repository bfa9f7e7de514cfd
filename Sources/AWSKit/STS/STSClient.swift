import AWSSigV4
import Foundation

/// The live STS client (AWS Query protocol, API 2011-06-15, regional endpoint).
public struct STSClient: STSAPI {
    let client: AWSClient

    /// Creates a client that sends through `client`.
    public init(client: AWSClient) { self.client = client }

    /// AssumeRole.
    public func assumeRole(roleArn: String, sessionName: String, externalId: String?,
                           durationSeconds: Int?) async throws -> AssumedRoleCredentials {
        var p = QueryParameters()
        p.set("RoleArn", roleArn)
        p.set("RoleSessionName", sessionName)
        p.set("ExternalId", externalId)
        p.set("DurationSeconds", durationSeconds)
        return try Self.assumed(try await client.query(.sts, action: "AssumeRole", p), action: "AssumeRole", roleArn: roleArn)
    }

    /// AssumeRoleWithWebIdentity, unsigned as botocore's model says (`authtype: none`).
    public func assumeRoleWithWebIdentity(roleArn: String, sessionName: String, webIdentityToken: String,
                                          durationSeconds: Int?) async throws -> AssumedRoleCredentials {
        var p = QueryParameters()
        p.set("RoleArn", roleArn)
        p.set("RoleSessionName", sessionName)
        p.set("WebIdentityToken", webIdentityToken)
        p.set("DurationSeconds", durationSeconds)
        let result = try await client.query(.sts, action: "AssumeRoleWithWebIdentity", p, signed: false)
        return try Self.assumed(result, action: "AssumeRoleWithWebIdentity", roleArn: roleArn)
    }

    private static func assumed(_ result: XMLNode, action: String, roleArn: String) throws -> AssumedRoleCredentials {
        guard let c = result.child("Credentials"), let key = c.string("AccessKeyId"), let secret = c.string("SecretAccessKey"),
              let expiration = c.string("Expiration").flatMap(AWSTimestamp.parse) else {
            throw AWSError(kind: .malformedResponse, service: "sts", operation: action, code: "",
                           message: "\(action) answer has no complete <Credentials>")
        }
        return AssumedRoleCredentials(
            credential: AWSCredential(accessKeyId: key, secretAccessKey: secret, sessionToken: c.string("SessionToken")),
            expiration: expiration,
            assumedRoleArn: result.child("AssumedRoleUser")?.string("Arn") ?? roleArn)
    }

    /// GetCallerIdentity.
    public func getCallerIdentity() async throws -> CallerIdentity {
        let result = try await client.query(.sts, action: "GetCallerIdentity", QueryParameters())
        guard let account = result.string("Account"), let arn = result.string("Arn") else {
            throw AWSError(kind: .malformedResponse, service: "sts", operation: "GetCallerIdentity", code: "",
                           message: "GetCallerIdentity answer has no Account or Arn")
        }
        return CallerIdentity(account: account, arn: arn, userId: result.string("UserId") ?? "")
    }
}
