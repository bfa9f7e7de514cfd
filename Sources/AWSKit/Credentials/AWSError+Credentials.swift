import Foundation

extension AWSError {
    /// The code of a provider that simply has nothing configured: a chain moves on to
    /// the next provider. Every other `.credentials` code stops the chain, because the
    /// operator configured something and got it wrong.
    static let credentialsNotFoundCode = "CredentialsNotFound"

    /// A credentials problem raised by `provider` (e.g. `environment`, `profile`, `imds`).
    static func credentials(_ provider: String, code: String, _ message: String) -> AWSError {
        AWSError(kind: .credentials, service: "credentials", operation: provider, code: code, message: message)
    }

    /// `provider` has nothing configured; the chain tries the next one.
    static func credentialsNotFound(_ provider: String, _ message: String) -> AWSError {
        credentials(provider, code: credentialsNotFoundCode, message)
    }

    /// True when a provider found nothing configured (as opposed to a broken configuration).
    public var isCredentialsNotFound: Bool {
        kind == .credentials && code == Self.credentialsNotFoundCode
    }
}

extension AWSError {
    /// AWS refused a request because its session had ended (`ExpiredToken` from STS and the
    /// query services, `ExpiredTokenException` from the JSON ones such as KMS, `RequestExpired` from EC2).
    public var isExpiredSession: Bool {
        kind == .service && ["ExpiredToken", "ExpiredTokenException", "RequestExpired"].contains(code)
    }
}
