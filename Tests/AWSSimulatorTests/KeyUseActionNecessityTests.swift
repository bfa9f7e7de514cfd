import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

/// Every KMS action of the documents `snapferry policy` writes is needed: with all of them a
/// cross-account restore or copy works; without any one, from either document, it fails
/// with KMSKeyNotAccessibleFault.
@Suite("Each KMS action of the key policy and the restore role's policy is necessary")
struct KeyUseActionNecessityTests {
    typealias F = KeyUseFixture

    /// One action left out of every statement of one document.
    struct Removal: Sendable, CustomTestStringConvertible {
        enum Document: String, Sendable { case keyPolicy = "key policy", identity = "identity policy" }
        var document: Document
        var action: String
        var testDescription: String { "\(action) from \(document.rawValue)" }
    }

    enum Operation: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case restore, reKeyingRestore, reKeyingCopy
        var testDescription: String { rawValue }
    }

    static let identityActions = F.useActions + ["kms:ListGrants", "kms:RevokeGrant", "kms:RetireGrant"]

    static let keyPolicyActions = F.useActions + ["kms:ListGrants", "kms:RevokeGrant"]

    /// kms:CreateGrant is in both statements of the key policy; the use statement alone already
    /// allows RDS's grant, so it is taken out of both.
    static let removals: [Removal] =
        keyPolicyActions.map { Removal(document: .keyPolicy, action: $0) } + identityActions.map { Removal(document: .identity, action: $0) }

    /// The key policy of the source key and the dev CMK, with plain action names (no wildcards).
    static func keyPolicy(owner: String, without removal: Removal?) -> SimJSON {
        let dev = F.aws(F.root(SimFixture.dev))
        let kept = { (action: String) in removal?.document != .keyPolicy || action != removal?.action }
        let use = F.useActions.filter(kept), grants = F.grantActions.filter(kept)
        return F.policy([
            F.statement(principal: F.aws(F.root(owner)), actions: ["kms:*"]),
            F.statement(principal: dev, actions: use),
            F.statement(principal: dev, actions: grants, condition: ["Bool": ["kms:GrantIsForAWSResource": .string("true")]]),
        ])
    }

    static func identity(without removal: Removal?) -> [SimJSON] {
        let actions = identityActions.filter { removal?.document != .identity || $0 != removal?.action }
        return [F.policy([F.statement(actions: actions, resource: "arn:aws:kms:eu-west-1:*:key/*")])]
    }

    /// Runs `operation` as dev's restore role on prod's shared snapshot; the error, or nil on success.
    private func run(_ operation: Operation, in scenario: SimScenario) async throws -> AWSError? {
        let (world, clock) = try SimFixture.world(scenario)
        let prod = SimFixture.rds(world, SimFixture.prod)
        let snapshot = try await prod.createDBClusterSnapshot(identifier: "orders-snap", clusterIdentifier: "orders-prod", tags: [])
        clock.advance(by: .seconds(600))
        _ = try await prod.modifyDBClusterSnapshotAttribute(identifier: "orders-snap", attributeName: "restore",
                                                            valuesToAdd: [SimFixture.dev], valuesToRemove: [])
        let role = try await F.restoreRole(world)
        switch operation {
        case .restore: return await F.restore(world, role, snapshot.arn)
        case .reKeyingRestore: return await F.restore(world, role, snapshot.arn, kmsKeyId: SimFixture.devCMK)
        case .reKeyingCopy:
            let rds = SimRDS(world: world, caller: role, region: SimFixture.region)
            return await SimFixture.awsError {
                _ = try await rds.copyDBClusterSnapshot(.init(source: snapshot.arn, target: "mine", kmsKeyId: SimFixture.devCMK))
            }
        }
    }

    /// Only the source key's policy or the role's policy loses the action; the dev CMK that re-keying targets keeps them all.
    private func run(_ operation: Operation, without removal: Removal?) async throws -> AWSError? {
        var scenario = F.scenario(keyPolicy: Self.keyPolicy(owner: SimFixture.prod, without: removal),
                                  rolePolicies: Self.identity(without: removal))
        scenario.kmsKeys[1].policy = Self.keyPolicy(owner: SimFixture.dev, without: nil)
        return try await run(operation, in: scenario)
    }

    @Test(arguments: Operation.allCases)
    func withEveryAction_theOperationSucceeds(operation: Operation) async throws {
        #expect(try await run(operation, without: nil) == nil)
    }

    @Test(arguments: removals, Operation.allCases)
    func withoutOneAction_theOperationFails(removal: Removal, operation: Operation) async throws {
        let error = try await run(operation, without: removal)
        #expect(error?.code == "KMSKeyNotAccessibleFault")
        #expect(error?.message.hasPrefix("The source snapshot KMS key [\(SimFixture.cmk)]") == true)
        let document = removal.document == .identity ? "the caller's identity policies do not allow"
            : "the key policy does not allow"
        #expect(error?.message.contains("(simulator: \(document) \(removal.action) for ") == true, "\(error?.message ?? "-")")
    }

    /// The destination key of a re-keying restore or copy is held to the same actions.
    @Test(arguments: keyPolicyActions, [Operation.reKeyingRestore, .reKeyingCopy])
    func targetKeyWithoutOneAction_failsTheReKeying(action: String, operation: Operation) async throws {
        var scenario = F.scenario(keyPolicy: Self.keyPolicy(owner: SimFixture.prod, without: nil), rolePolicies: Self.identity(without: nil))
        // Everything but the one action, for dev (the key's own account).
        scenario.kmsKeys[1].policy = F.policy([F.statement(principal: F.aws(F.root(SimFixture.dev)), notActions: [action])])
        let error = try await run(operation, in: scenario)
        #expect(error?.code == "KMSKeyNotAccessibleFault")
        #expect(error?.message.hasPrefix("Specified KMS key [\(SimFixture.devCMK)]") == true)
        #expect(error?.message.contains("the key policy does not allow \(action)") == true, "\(error?.message ?? "-")")
    }
}
