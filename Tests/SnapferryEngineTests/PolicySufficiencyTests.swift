import AWSKit
import AWSSimulator
import Foundation
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import SnapferryTestSupport
import Testing

/// The documents `snapferry policy` writes are sufficient and necessary, judged by the simulator the
/// way AWS judges them (key policy and the role's identity policy together): with the generated key
/// policy statements on the source CMK and the generated trust and permission policies on the target
/// role, both targets refresh — one re-keying at restore, one copying into its account first; with any
/// one generated KMS action removed from either document, the target's copy or restore is refused
/// with KMSKeyNotAccessibleFault.
@Suite struct PolicySufficiencyTests {
    static let start = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z
    static let region = "eu-west-1"
    static let prod = "100000000001", dev = "200000000001"
    static let cmk = "arn:aws:kms:eu-west-1:100000000001:key/0a000000-1111-2222-3333-444455556601"
    static let devKey = "arn:aws:kms:eu-west-1:200000000001:key/0b000000-1111-2222-3333-200000000001"
    static let role = "arn:aws:iam::200000000001:role/snapferry-restore"

    static let fleetYAML = """
        version: 1
        fleet: acme
        defaults: { region: eu-west-1, poll: { initial: 30, max: 300 } }
        accounts:
          prod: { id: "\(prod)" }
          dev: { id: "\(dev)", role_arn: "\(role)", session_seconds: 43200 }
        sources:
          - { name: orders, account: prod, cluster: orders-prod, schedule: "0 1 * * *", kms_key: \(cmk),
              retention: { keep_last: 2 }, share_with: [dev] }
        targets:
          - { name: orders-dev, source: orders, account: dev, schedule: "0 3 * * *", cluster: orders-dev,
              instances: [{ class: db.r6g.large }], subnet_group: dev-db, security_groups: [sg-00000000000000de1],
              kms_key: "\(devKey)" }
          - { name: orders-copy, source: orders, account: dev, schedule: "0 3 * * *", cluster: orders-copy,
              instances: [{ class: db.r6g.large }], subnet_group: dev-db, security_groups: [sg-00000000000000de1],
              kms_key: "\(devKey)", copy_into_account: true }
        """

    static func json(_ value: PolicyJSON) throws -> SimJSON {
        try JSONDecoder().decode(SimJSON.self, from: JSONSerialization.data(withJSONObject: value.foundation))
    }

    /// The documents with `action` removed from the statement `sid` of the document of `kind`.
    static func without(_ documents: [PolicyDocument], kind: PolicyDocument.Kind, sid: String, action: String) -> [PolicyDocument] {
        documents.map { d in
            guard d.kind == kind, case .object(let top) = d.document else { return d }
            var copy = d
            copy.document = .object(top.map { key, value in
                guard key == "Statement", case .array(let statements) = value else { return (key, value) }
                return (key, .array(statements.map { s in
                    guard s["Sid"] == .string(sid), case .object(let pairs) = s else { return s }
                    return .object(pairs.map { k, v in
                        guard k == "Action", case .array(let actions) = v else { return (k, v) }
                        return (k, .array(actions.filter { $0 != .string(action) }))
                    })
                }))
            })
            return copy
        }
    }

    static func scenario(_ documents: [PolicyDocument]) throws -> SimScenario {
        let owner = PolicyJSON.object([("Sid", .string("Owner")), ("Effect", .string("Allow")),
                                       ("Principal", .object([("AWS", .string("arn:aws:iam::\(prod):root"))])),
                                       ("Action", .string("kms:*")), ("Resource", .string("*"))])
        let keyStatements = documents.first { $0.kind == .keyPolicyStatements }!.statements
        let keyPolicy = PolicyJSON.object([("Version", .string("2012-10-17")), ("Statement", .array([owner] + keyStatements))])
        let trust = documents.first { $0.kind == .trustPolicy && $0.attachTo == role }!.document
        let permissions = documents.first { $0.kind == .permissionPolicy && $0.attachTo == role }!.document
        return SimScenario(
            start: "2026-12-01T00:00:00Z", regions: [region], accounts: [prod, dev].map { SimScenario.Account(id: $0) },
            kmsKeys: [SimScenario.KMSKey(arn: cmk, policy: try json(keyPolicy)), SimScenario.KMSKey(arn: devKey)],
            roles: [SimScenario.Role(arn: role, trustPolicy: try json(trust), maxSessionSeconds: 43200, policies: [try json(permissions)])],
            dbSubnetGroups: [SimScenario.SubnetGroup(account: dev, region: region, name: "dev-db")],
            securityGroups: [SimScenario.SecurityGroup(account: dev, region: region, id: "sg-00000000000000de1")],
            clusters: [SimScenario.Cluster(account: prod, region: region, id: "orders-prod", backupWindow: "23:00-23:30")])
    }

    /// The prod account acts as its root; dev through one 12-hour session of the role (longer than a night's work).
    struct RoleFleetAWS: FleetAWS {
        let world: SimWorld
        let callers: [String: SimCaller]
        func caller(_ account: Account) -> SimCaller { callers[account.id] ?? .account(account.id) }
        func rds(_ account: Account, region: String) -> any RDSAPI { SimRDS(world: world, caller: caller(account), region: region) }
        func sts(_ account: Account, region: String) -> any STSAPI { SimSTS(world: world, caller: caller(account), region: region) }
        func kms(_ account: Account, region: String) -> any KMSAPI { SimKMS(world: world, caller: caller(account), region: region) }
        func ec2(_ account: Account, region: String) -> any EC2API { SimEC2(world: world, caller: caller(account), region: region) }
        func credentialSource(_ account: Account) async -> String { "simulator" }
    }

    /// Rotates at 01:00 and refreshes at 03:00 in virtual time; the targets' results.
    static func night(_ documents: [PolicyDocument], config: FleetConfig) async throws -> [RefreshResult] {
        let clock = ManualClock(start: start)
        let world = try SimWorld(scenario: try scenario(documents), now: { clock.nowDate })
        let session = try await SimSTS(world: world, caller: .account(prod), region: region)
            .assumeRole(roleArn: role, sessionName: "snapferry", externalId: nil, durationSeconds: 43200)
        let aws = RoleFleetAWS(world: world, callers: [dev: .accessKey(session.credential.accessKeyId,
                                                                      sessionToken: session.credential.sessionToken)])
        let store = MemoryStateStore()
        var rotation = RotationEngine(config: config, aws: aws, store: store, clock: AnyClock(clock), wallNow: { clock.nowDate })
        rotation.pollInitial = .seconds(30); rotation.pollMax = .seconds(300)
        var refresh = RefreshEngine(config: config, aws: aws, store: store, clock: AnyClock(clock), wallNow: { clock.nowDate })
        refresh.pollInitial = .seconds(30); refresh.pollMax = .seconds(300)
        let (r, f) = (rotation, refresh)
        clock.advance(to: ManualClock.Instant(offset: .seconds(3600)))
        let rotated = try #require(await RefreshEngineSimTests.inVirtualTime(clock) { await r.apply(at: start.addingTimeInterval(3600)) })
        #expect(rotated.allSatisfy { $0.succeeded }, "\(rotated.map { $0.failure ?? "ok" })")
        if clock.nowDate < start.addingTimeInterval(3 * 3600) { clock.advance(to: ManualClock.Instant(offset: .seconds(3 * 3600))) }
        return try #require(await RefreshEngineSimTests.inVirtualTime(clock) { await f.run(at: start.addingTimeInterval(3 * 3600)) })
    }

    @Test func theGeneratedDocuments_letEveryTargetRefresh() async throws {
        let config = try FleetLoader.load(yaml: Self.fleetYAML, file: "fleet.yaml").get()
        let results = try await Self.night(FleetPolicies.documents(config), config: config)
        #expect(results.map(\.target).sorted() == ["orders-copy", "orders-dev"])
        for r in results { guard case .refreshed = r.outcome else { Issue.record("\(r.target): \(r.outcome)"); continue } }
    }

    /// Every KMS action of the key-policy statements and of the role's key statements.
    static let removals: [(PolicyDocument.Kind, String, String)] =
        PolicyActions.keyUse.map { (.keyPolicyStatements, "SnapferryShareAccountsUseKey", $0) }
        + PolicyActions.keyGrants.map { (.keyPolicyStatements, "SnapferryShareAccountsAttachGrants", $0) }
        + (PolicyActions.keyUse + [PolicyActions.retireGrant]).map { (.permissionPolicy, "SnapferryRefreshUseKeys", $0) }
        + PolicyActions.keyGrants.map { (.permissionPolicy, "SnapferryRefreshAttachGrants", $0) }

    @Test(arguments: removals.indices)
    func anyOneKMSActionRemoved_refusesTheTargetsCopyOrRestore(index: Int) async throws {
        let (kind, sid, action) = Self.removals[index]
        let config = try FleetLoader.load(yaml: Self.fleetYAML, file: "fleet.yaml").get()
        let full = FleetPolicies.documents(config)
        let cut = Self.without(full, kind: kind, sid: sid, action: action)
        #expect(cut.map(\.document) != full.map(\.document), "\(sid) has no \(action)")
        let results = try await Self.night(cut, config: config)
        #expect(!results.isEmpty)
        for r in results {
            switch r.outcome {
            case .failed(let why), .refused(let why):
                #expect(why.contains("KMSKeyNotAccessibleFault"), "\(kind.rawValue) \(sid) without \(action): \(r.target): \(why)")
            default:
                Issue.record("\(kind.rawValue) \(sid) without \(action): \(r.target) still \(r.outcome)")
            }
        }
    }
}
