import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

@Suite("Key policy elements: NotAction, NotPrincipal, explicit Deny, Effect")
struct KeyPolicyElementTests {
    typealias F = KeyUseFixture

    private func devPolicy(_ statement: SimJSON) -> SimJSON { F.policy([F.owner, statement]) }

    @Test func notAction_allowsEverythingButTheListedActions() async throws {
        let dev = F.aws(F.root(SimFixture.dev))
        let (world, snapshot) = try await F.world(keyPolicy: devPolicy(
            F.statement(principal: dev, notActions: ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"])))
        #expect(await F.restore(world, .account(SimFixture.dev), snapshot) == nil)

        // NotAction patterns match case-insensitively, with wildcards.
        let (refusing, snapshot2) = try await F.world(keyPolicy: devPolicy(F.statement(principal: dev, notActions: ["KMS:revoke*"])))
        let refused = await F.restore(refusing, .account(SimFixture.dev), snapshot2)
        #expect(refused?.code == "KMSKeyNotAccessibleFault")
        #expect(refused?.message.contains("the key policy does not allow kms:RevokeGrant") == true)
    }

    @Test func denyWithNotPrincipal_spares_onlyTheListedPrincipals() async throws {
        let deny = F.statement("Deny", notPrincipal: F.aws(F.root(SimFixture.prod), F.root(SimFixture.dev)), actions: ["kms:*"])
        let (world, snapshot) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev, F.third], extra: [deny]))
        #expect(await F.restore(world, .account(SimFixture.dev), snapshot) == nil)
        let third = await F.restore(world, .account(F.third), snapshot)
        #expect(third?.code == "KMSKeyNotAccessibleFault")
        #expect(third?.message.contains("the key policy explicitly denies") == true)
    }

    /// AWS checks the account, then the role, then the session against NotPrincipal: naming
    /// only the role leaves its account unlisted, so the Deny still applies.
    @Test func notPrincipal_namingARoleWithoutItsAccount_stillDeniesItsSessions() async throws {
        func restore(sparing principals: SimJSON) async throws -> AWSError? {
            let deny = F.statement("Deny", notPrincipal: principals, actions: ["kms:*"])
            let (world, snapshot) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev], extra: [deny]))
            return await F.restore(world, try await F.restoreRole(world), snapshot)
        }
        #expect(try await restore(sparing: F.aws(SimFixture.restoreRole))?.code == "KMSKeyNotAccessibleFault")
        #expect(try await restore(sparing: F.aws(SimFixture.restoreRole, F.root(SimFixture.dev))) == nil)
        #expect(try await restore(sparing: F.aws("arn:aws:sts::222222222222:assumed-role/snapferry-restore/snapferry",
                                                 SimFixture.restoreRole, F.root(SimFixture.dev))) == nil)
    }

    @Test func explicitDeny_winsOverAnAllow() async throws {
        let denyDev = F.statement("Deny", principal: F.aws(F.root(SimFixture.dev)), actions: ["kms:ListGrants"])
        let (world, snapshot) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev], extra: [denyDev]))
        let refused = await F.restore(world, .account(SimFixture.dev), snapshot)
        #expect(refused?.code == "KMSKeyNotAccessibleFault")
        #expect(refused?.message.contains("the key policy explicitly denies kms:ListGrants") == true)

        let denyThird = F.statement("Deny", principal: F.aws(F.root(F.third)), actions: ["kms:ListGrants"])
        let (other, snapshot2) = try await F.world(keyPolicy: F.keyPolicy(for: [SimFixture.dev], extra: [denyThird]))
        #expect(await F.restore(other, .account(SimFixture.dev), snapshot2) == nil)
    }

    /// A lower-case effect is invalid (AWS refuses it at PutKeyPolicy); put through the admin
    /// door anyway, the statement grants nothing.
    @Test func lowerCaseAllow_grantsNothing() async throws {
        func withEffect(_ effect: String) -> SimJSON {
            F.policy([F.owner, F.statement(effect, principal: F.aws(F.root(SimFixture.dev)), actions: ["kms:*"])])
        }
        let (world, snapshot) = try await F.world(keyPolicy: withEffect("Allow"))
        #expect(await world.setKeyPolicy(keyArn: SimFixture.cmk, policy: withEffect("allow")))
        let refused = await F.restore(world, .account(SimFixture.dev), snapshot)
        #expect(refused?.code == "KMSKeyNotAccessibleFault")
        #expect(await world.setKeyPolicy(keyArn: SimFixture.cmk, policy: withEffect("Allow")))
        #expect(await F.restore(world, .account(SimFixture.dev), snapshot) == nil)
    }

    @Test func scenarioValidation_reportsABadEffect_andOtherInvalidStatements_withTheirJSONPaths() throws {
        let json = #"""
            {"start": "2026-12-01T00:00:00Z",
             "accounts": [{"id": "111111111111"}, {"id": "222222222222"}],
             "kms_keys": [{"arn": "arn:aws:kms:eu-west-1:111111111111:key/k1", "policy": {"Statement": [
                 {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"},
                 {"Effect": "allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "kms:Decrypt", "Resource": "*"},
                 {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "kms:*",
                  "Condition": {"NumericLessThan": {"kms:x": "1"}}}]}}],
             "roles": [{"arn": "arn:aws:iam::222222222222:role/r",
                        "trust_policy": {"Statement": {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}},
                        "policies": [{"Statement": [{"Effect": "DENY", "Action": "kms:*", "NotAction": "kms:Decrypt", "Resource": "*"},
                                                    {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}]}]}
            """#
        do {
            _ = try SimScenario.load(json: Data(json.utf8))
            Issue.record("a scenario with invalid policies loaded")
        } catch {
            #expect(error.all.map(\.description) == [
                #"kms_keys[0].policy.Statement[1].Effect: must be exactly "Allow" or "Deny" (case-sensitive), got "allow""#,
                #"kms_keys[0].policy.Statement[2].NotPrincipal: NotPrincipal is only supported with "Effect": "Deny""#,
                "kms_keys[0].policy.Statement[2].Condition.NumericLessThan: condition operator not evaluated by the simulator "
                    + "(known: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, "
                    + "StringNotLike, ArnEquals, ArnNotEquals, ArnLike, ArnNotLike, Bool, Null, with ForAnyValue:/ForAllValues: "
                    + "and IfExists)",
                #"roles[0].policies[0].Statement[0].Effect: must be exactly "Allow" or "Deny" (case-sensitive), got "DENY""#,
                "roles[0].policies[0].Statement[0].NotAction: a statement has Action or NotAction, not both",
                "roles[0].policies[0].Statement[1].Principal: an identity policy names no principal",
            ])
        }
    }
}
