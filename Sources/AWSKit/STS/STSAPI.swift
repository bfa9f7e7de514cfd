import AWSSigV4
import Foundation

/// Temporary credentials from AssumeRole.
public struct AssumedRoleCredentials: Sendable {
    /// Access key, secret and session token.
    public var credential: AWSCredential
    /// When they stop working.
    public var expiration: Date
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    public var assumedRoleArn: String
    /// Creates the record.
    public init(credential: AWSCredential, expiration: Date, assumedRoleArn: String) {
        self.credential = credential; self.expiration = expiration; self.assumedRoleArn = assumedRoleArn
    }
}

/// GetCallerIdentity's answer.
public struct CallerIdentity: Sendable, Hashable {
    /// Account id.
    public var account: String
    /// Caller ARN.
    public var arn: String
    /// Unique id.
    public var userId: String
    /// Creates the record.
    public init(account: String, arn: String, userId: String) { self.account = account; self.arn = arn; self.userId = userId }
}

/// The STS operations snapferry uses.
public protocol STSAPI: Sendable {
    /// AssumeRole.
    func assumeRole(roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int?) async throws -> AssumedRoleCredentials
    /// GetCallerIdentity.
    func getCallerIdentity() async throws -> CallerIdentity
    /// AssumeRoleWithWebIdentity: sent unsigned, the token is the proof.
    func assumeRoleWithWebIdentity(roleArn: String, sessionName: String, webIdentityToken: String,
                                   durationSeconds: Int?) async throws -> AssumedRoleCredentials
}

extension STSAPI {
    /// Clients that only stand in for AssumeRole (simulator, test recorders) do not offer web identity.
    public func assumeRoleWithWebIdentity(roleArn: String, sessionName: String, webIdentityToken: String,
                                          durationSeconds: Int?) async throws -> AssumedRoleCredentials {
        throw AWSError(kind: .credentials, service: "sts", operation: "AssumeRoleWithWebIdentity", code: "NotSupported",
                       message: "this STS client does not offer AssumeRoleWithWebIdentity")
    }
}
