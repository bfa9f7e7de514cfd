import SnapferryEngine
import Testing

/// Which share accounts a key policy lets use the key, on policies written out by hand: each
/// expectation below is read off the JSON, by IAM's rules as `KeyPolicyCheck` documents them.
@Suite struct KeyPolicyCheckTests {
    static let use = #"["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"]"#
    static let grants = #"["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant"]"#

    static func policy(_ statements: String...) -> String {
        #"{"Version":"2012-10-17","Statement":["# + statements.joined(separator: ",") + "]}"
    }

    static func allow(_ principal: String, _ actions: String, condition: Bool = false) -> String {
        #"{"Effect":"Allow","Principal":"# + principal + #","Action":"# + actions + #","Resource":"*""#
            + (condition ? #","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}"# : "") + "}"
    }

    @Test func principalsNameAnAccountByIdRootRoleOrPartition() {
        let policy = Self.policy(
            Self.allow(#"{"AWS":["111111111111","arn:aws:iam::222222222222:root","arn:aws:iam::333333333333:role/restore","arn:aws-cn:iam::444444444444:root"]}"#, Self.use),
            Self.allow(#"{"AWS":["111111111111","arn:aws:iam::222222222222:root","arn:aws:iam::333333333333:role/restore","arn:aws-cn:iam::444444444444:root"]}"#,
                       Self.grants, condition: true))
        let accounts = ["111111111111", "222222222222", "333333333333", "444444444444", "555555555555"]
        #expect(KeyPolicyCheck.accountsWithoutUse(policy: policy, accounts: accounts) == ["555555555555"])
    }

    @Test func anAccountNeedsEveryActionNotJustSome() {
        let policy = Self.policy(Self.allow(#"{"AWS":"arn:aws:iam::111111111111:root"}"#, Self.use),
                                 Self.allow(#"{"AWS":"arn:aws:iam::222222222222:root"}"#, Self.use),
                                 Self.allow(#"{"AWS":"arn:aws:iam::222222222222:root"}"#, Self.grants))
        #expect(KeyPolicyCheck.accountsWithoutUse(policy: policy, accounts: ["111111111111", "222222222222"]) == ["111111111111"])
        let missing = KeyPolicyCheck.missing(policy: policy, accounts: ["111111111111", "222222222222"],
                                             actions: ["kms:Decrypt", "kms:CreateGrant", "kms:RevokeGrant"])
        #expect(missing == ["111111111111": ["kms:CreateGrant", "kms:RevokeGrant"]])
    }

    @Test func wildcardsInActionsAndPrincipals() {
        let star = Self.policy(#"{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}"#)
        #expect(KeyPolicyCheck.accountsWithoutUse(policy: star, accounts: ["111111111111"]) == [])
        let awsStar = Self.policy(Self.allow(#"{"AWS":"*"}"#, #""KMS:*""#))
        #expect(KeyPolicyCheck.accountsWithoutUse(policy: awsStar, accounts: ["111111111111"]) == [])
        // `kms:Re*` covers ReEncrypt*, not the rest.
        let partial = Self.policy(Self.allow(#"{"AWS":"111111111111"}"#, #""kms:Re*""#))
        #expect(KeyPolicyCheck.missing(policy: partial, accounts: ["111111111111"], actions: ["kms:ReEncrypt*", "kms:RevokeGrant", "kms:Decrypt"])
            == ["111111111111": ["kms:Decrypt"]])
    }

    @Test func anUnconditionalDenyWinsAConditionalOneIsNotTaken() {
        let deny = #"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:Decrypt","Resource":"*"}"#
        let conditionalDeny = #"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:Decrypt","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#
        let everyone = Self.allow(#"{"AWS":["111111111111","222222222222"]}"#, #""kms:*""#)
        let policy = Self.policy(everyone, deny, conditionalDeny)
        #expect(KeyPolicyCheck.accountsWithoutUse(policy: policy, accounts: ["111111111111", "222222222222"]) == ["111111111111"])
    }

    @Test func notPrincipalStatementsAreNotReadAndOneStatementNeedNotBeAList() {
        let notPrincipal = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"999999999999"},"Action":"kms:*","Resource":"*"}]}"#
        #expect(KeyPolicyCheck.accountsWithoutUse(policy: notPrincipal, accounts: ["111111111111"]) == ["111111111111"])
        let single = #"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"kms:*","Resource":"*"}}"#
        #expect(KeyPolicyCheck.accountsWithoutUse(policy: single, accounts: ["111111111111", "222222222222"]) == ["222222222222"])
        #expect(KeyPolicyCheck.accountsWithoutUse(policy: "not json", accounts: ["111111111111"]) == nil)
        // An ARN cut short names no account; a user in the account does.
        let odd = Self.policy(Self.allow(#"{"AWS":["arn:aws:iam::111111111111","arn:aws:iam::222222222222:user/ops"]}"#, #""kms:*""#))
        #expect(KeyPolicyCheck.accountsWithoutUse(policy: odd, accounts: ["111111111111", "222222222222"]) == ["111111111111"])
    }
}
