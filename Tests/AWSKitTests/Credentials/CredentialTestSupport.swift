import AWSKit
import AWSSigV4
import Foundation
import Logging
import SnapferryCore

/// AWS's documented example keys: never real, easy to search for in output.
enum TestKeys {
    static let accessKeyId = "AKIAIOSFODNN7EXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let token = "IQoJb3JpZ2luX2VjEXAMPLETOKEN"
}

let quietLogger = Logger(label: "credentials-test") { _ in SwiftLogNoOpLogHandler() }

/// The AWSError `body` throws, or nil when it succeeds or throws something else.
func awsError(_ body: () async throws -> ExpiringCredential) async -> AWSError? {
    do { _ = try await body(); return nil } catch let error as AWSError { return error } catch { return nil }
}

/// A `readFile` over an in-memory file system.
func files(_ contents: [String: String]) -> @Sendable (String) -> String? {
    { contents[$0] }
}

/// One AssumeRole call as the stub STS saw it.
struct AssumeRoleCall: Sendable, Equatable {
    var roleArn: String
    var sessionName: String
    var externalId: String?
    var durationSeconds: Int?
    /// Access key id of the credentials the STS client was built over.
    var baseAccessKeyId: String
}

/// Records AssumeRole calls and hands out numbered session credentials.
actor STSRecorder {
    private(set) var calls: [AssumeRoleCall] = []
    let expiration: Date
    var failure: AWSError?
    /// What GetCallerIdentity answers for the base credentials, by access key id (default: an IAM user).
    var identities: [String: String] = [:]
    private(set) var identityCalls = 0
    /// Web identity tokens seen, in order.
    private(set) var webIdentityTokens: [String] = []

    func setIdentity(_ arn: String, forAccessKey key: String) { identities[key] = arn }

    func identity(of key: String) -> String {
        identityCalls += 1
        return identities[key] ?? "arn:aws:iam::111122223333:user/test"
    }

    func recordWebIdentity(_ call: AssumeRoleCall, token: String) throws -> AssumedRoleCredentials {
        webIdentityTokens.append(token)
        return try record(call)
    }

    init(expiration: Date) { self.expiration = expiration }

    func fail(with error: AWSError?) { failure = error }

    func record(_ call: AssumeRoleCall) throws -> AssumedRoleCredentials {
        if let failure { throw failure }
        calls.append(call)
        let role = call.roleArn.split(separator: "/").last.map(String.init) ?? "role"
        return AssumedRoleCredentials(
            credential: AWSCredential(accessKeyId: "ASIA\(role.uppercased())\(calls.count)",
                                      secretAccessKey: "secret-of-\(role)", sessionToken: "token-of-\(role)"),
            expiration: expiration, assumedRoleArn: "arn:aws:sts::111122223333:assumed-role/\(role)/\(call.sessionName)")
    }

    /// A `makeSTS` factory whose clients report to this recorder.
    nonisolated var factory: @Sendable (any CredentialProvider) -> any STSAPI {
        { base in StubSTS(recorder: self, base: base) }
    }
}

/// An STS client that signs (notionally) with `base` and answers from the recorder.
struct StubSTS: STSAPI {
    let recorder: STSRecorder
    let base: any CredentialProvider

    func assumeRole(roleArn: String, sessionName: String, externalId: String?,
                    durationSeconds: Int?) async throws -> AssumedRoleCredentials {
        let signer = try await base.credential(logger: quietLogger)
        return try await recorder.record(AssumeRoleCall(
            roleArn: roleArn, sessionName: sessionName, externalId: externalId,
            durationSeconds: durationSeconds, baseAccessKeyId: signer.credential.accessKeyId))
    }

    func getCallerIdentity() async throws -> CallerIdentity {
        let signer = try await base.credential(logger: quietLogger)
        return CallerIdentity(account: "111122223333", arn: await recorder.identity(of: signer.credential.accessKeyId), userId: "AIDATEST")
    }

    func assumeRoleWithWebIdentity(roleArn: String, sessionName: String, webIdentityToken: String,
                                   durationSeconds: Int?) async throws -> AssumedRoleCredentials {
        // Unsigned: the base is never asked.
        try await recorder.recordWebIdentity(AssumeRoleCall(roleArn: roleArn, sessionName: sessionName, externalId: nil,
                                                            durationSeconds: durationSeconds, baseAccessKeyId: "unsigned"),
                                             token: webIdentityToken)
    }
}

/// A provider that counts calls and returns numbered credentials valid for `lifetime`,
/// optionally failing first, and optionally parking the first call on a manual clock.
actor ScriptedProvider: CredentialProvider {
    private(set) var calls = 0
    private let clock: ManualClock
    private let lifetime: Duration?
    private var failuresLeft: Int
    private let parkFor: Duration?
    /// How far AWS's clock is behind the host's (the expiration is set on AWS's).
    private let awsBehind: TimeInterval

    init(clock: ManualClock, lifetime: Duration?, failures: Int = 0, parkFor: Duration? = nil, awsBehind: Duration = .zero) {
        self.clock = clock; self.lifetime = lifetime; failuresLeft = failures; self.parkFor = parkFor
        self.awsBehind = TimeInterval(awsBehind.components.seconds)
    }

    /// Makes the next `count` fetches fail (0: none).
    func failNext(_ count: Int) { failuresLeft = count }

    func credential(logger: Logger) async throws -> ExpiringCredential {
        calls += 1
        let number = calls
        if let parkFor, number == 1 { try await clock.sleep(until: clock.now.advanced(by: parkFor)) }
        if failuresLeft > 0 {
            failuresLeft -= 1
            throw AWSError(service: "sts", operation: "AssumeRole", code: "Throttling", message: "slow down")
        }
        let expiration = lifetime.map { clock.nowDate.addingTimeInterval(TimeInterval($0.components.seconds) - awsBehind) }
        return ExpiringCredential(
            credential: AWSCredential(accessKeyId: "ASIASCRIPTED\(number)", secretAccessKey: "s", sessionToken: "t"),
            expiration: expiration, source: "scripted #\(number)")
    }
}
