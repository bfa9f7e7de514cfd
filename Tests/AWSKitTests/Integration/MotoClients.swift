import AWSKit
import AWSSigV4
import Foundation
import SnapferryTestSupport

/// Live clients pointed at the shared, signature-checking moto_server.
struct MotoClients {
    let env: MotoEnvironment
    let transport: AsyncHTTPClientTransport
    let aws: AWSClient

    static func make(secret: String? = nil) async throws -> MotoClients {
        let env = try await MotoServer.shared.environment()
        let transport = AsyncHTTPClientTransport()
        let credential = AWSCredential(accessKeyId: env.accessKeyId, secretAccessKey: secret ?? env.secretAccessKey)
        let aws = AWSClient(account: env.account, region: "eu-west-1", credentials: StaticCredentialProvider(credential),
                            transport: transport, endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": env.endpoint]),
                            retry: .standard(maxAttempts: 1))
        return MotoClients(env: env, transport: transport, aws: aws)
    }

    var rds: RDSClient { RDSClient(client: aws) }
    var sts: STSClient { STSClient(client: aws) }
    var kms: KMSClient { KMSClient(client: aws) }

    /// Clients acting through assumed-role credentials.
    func assumed(_ credential: AWSCredential, account: String) -> AWSClient {
        AWSClient(account: account, region: "eu-west-1", credentials: StaticCredentialProvider(credential),
                  transport: transport, endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": env.endpoint]),
                  retry: .standard(maxAttempts: 1))
    }

    func shutdown() async { try? await transport.shutdown() }
}

/// A name unique to one test run, as RDS identifiers allow.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
}
