import AWSSigV4
import Logging

/// Keys from the process environment, as botocore reads them: `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN` (or the older `AWS_SECURITY_TOKEN`).
/// The legacy `AWS_ACCESS_KEY`/`AWS_SECRET_KEY` are not read (botocore does not). A lone
/// secret is "not found", so the chain goes on; a lone access key id is an error.
public struct EnvironmentCredentialProvider: CredentialProvider {
    private let environment: [String: String]

    /// Creates the provider over a snapshot of the environment (pass
    /// `ProcessInfo.processInfo.environment` in production, a dictionary in tests).
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The keys; throws "not found" when no access key variable is set, and a
    /// hard error naming the missing variable when only half of a key pair is set.
    public func credential(logger: Logger) async throws -> ExpiringCredential {
        let credential = try resolve()
        logger.debug("using credentials", metadata: [
            "source": "environment", "accessKeyId": "\(credential.credential)",
        ])
        return credential
    }

    private func resolve() throws -> ExpiringCredential {
        let access = first(["AWS_ACCESS_KEY_ID"])
        let secret = first(["AWS_SECRET_ACCESS_KEY"])
        switch (access, secret) {
        case (nil, nil):
            throw AWSError.credentialsNotFound("environment", "AWS_ACCESS_KEY_ID is not set")
        case (let key?, nil):
            throw AWSError.credentials("environment", code: "PartialCredentials",
                "\(key.name) is set but AWS_SECRET_ACCESS_KEY is not: set both, or unset \(key.name)")
        case (nil, _?):
            throw AWSError.credentialsNotFound("environment", "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
        case (let key?, let secret?):
            let token = first(["AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"])?.value
            return ExpiringCredential(
                credential: AWSCredential(accessKeyId: key.value, secretAccessKey: secret.value, sessionToken: token),
                expiration: nil, source: "environment")
        }
    }

    /// The first of `names` that is set to a non-empty value (an empty variable counts as unset, as in the CLI).
    private func first(_ names: [String]) -> (name: String, value: String)? {
        for name in names {
            if let value = environment[name], !value.isEmpty { return (name, value) }
        }
        return nil
    }
}
