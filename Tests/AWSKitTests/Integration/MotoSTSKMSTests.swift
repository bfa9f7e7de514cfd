import AWSKit
import AWSSigV4
import Foundation
import SnapferryTestSupport
import Testing

@Suite(.serialized) struct MotoSTSKMSTests {
    @Test func assumeRole_landsInTheOtherAccount() async throws {
        let moto = try await MotoClients.make()
        defer { Task { await moto.shutdown() } }
        let me = try await moto.sts.getCallerIdentity()
        #expect(me.account == moto.env.account)
        #expect(me.arn.hasSuffix(":user/snapferry"))

        let role = try #require(moto.env.roles["222222222222"])
        let assumed = try await moto.sts.assumeRole(roleArn: role, sessionName: "snapferry-dev", externalId: nil, durationSeconds: 900)
        #expect(assumed.credential.sessionToken != nil)
        #expect(assumed.expiration > Date())
        let other = STSClient(client: moto.assumed(assumed.credential, account: "222222222222"))
        let identity = try await other.getCallerIdentity()
        #expect(identity.account == "222222222222")
        #expect(identity.arn == "arn:aws:sts::222222222222:assumed-role/snapferry-restore/snapferry-dev")
    }

    @Test func assumeRoleProvider_refreshesThroughTheLiveSTSClient() async throws {
        let moto = try await MotoClients.make()
        defer { Task { await moto.shutdown() } }
        let role = try #require(moto.env.roles["333333333333"])
        let base = StaticCredentialProvider(AWSCredential(accessKeyId: moto.env.accessKeyId, secretAccessKey: moto.env.secretAccessKey))
        let transport = moto.transport, endpoint = moto.env.endpoint
        let provider = AssumeRoleCredentialProvider(
            roleArn: role, externalId: "acme", sessionName: "snapferry-staging", durationSeconds: 900, base: base,
            makeSTS: { creds in
                STSClient(client: AWSClient(account: nil, region: "eu-west-1", credentials: creds, transport: transport,
                                            endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": endpoint])))
            })
        let client = AWSClient(account: "333333333333", region: "eu-west-1", credentials: provider, transport: transport,
                               endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": endpoint]))
        let identity = try await STSClient(client: client).getCallerIdentity()
        #expect(identity.account == "333333333333")
    }

    @Test func kmsOperations_roundTripThroughMoto() async throws {
        let moto = try await MotoClients.make()
        defer { Task { await moto.shutdown() } }
        // moto reports its aws/rds key as CUSTOMER-managed (AWS says AWS); the simulator models that rule.
        let managed = try await moto.kms.describeKey(keyId: "alias/aws/rds")
        #expect(managed.enabled && managed.keyState == "Enabled")
        #expect(managed.arn.hasPrefix("arn:aws:kms:eu-west-1:\(moto.env.account):key/"))
        let policy = try await moto.kms.getKeyPolicy(keyId: managed.arn)
        #expect(policy.contains("Statement"))
        var names: [String] = []
        var marker: String?
        repeat {
            let page = try await moto.kms.listAliases(keyId: nil, limit: 5, marker: marker)
            names += page.items.map(\.name)
            marker = page.marker
        } while marker != nil
        #expect(names.contains("alias/aws/rds"))
        do {
            _ = try await moto.kms.describeKey(keyId: "alias/does-not-exist")
            Issue.record("expected NotFoundException")
        } catch let error as AWSError {
            #expect(error.code == "NotFoundException")
            #expect(error.isNotFound)
        }
    }
}
