import SnapferryCore
import Testing

/// The identifier checks take byte paths for ASCII text and Character paths otherwise; both must
/// give the messages the Character checks gave.
@Suite struct AWSIdentifiersTests {
    @Test(arguments: [
        ("orders-prod", nil),
        ("Orders-PROD9", nil),
        ("", "must not be empty"),
        ("1orders", #"must start with a letter, got "1orders""#),
        ("ordérs", #"may contain only letters, digits and hyphens, got "ordérs""#),
        ("e\u{301}abc", #"must start with a letter, got "e\#u{301}abc""#),
        ("a\r\nb", "may contain only letters, digits and hyphens, got \"a\r\nb\""),
        ("orders_prod", #"may contain only letters, digits and hyphens, got "orders_prod""#),
        ("orders--prod", #"must not contain two hyphens in a row, got "orders--prod""#),
        ("orders-", #"must not end with a hyphen, got "orders-""#),
        (String(repeating: "a", count: 64), "must be at most 63 characters, got 64"),
    ] as [(String, String?)])
    func rdsIdentifier(id: String, problem: String?) {
        #expect(AWSIdentifiers.rdsIdentifierProblem(id) == problem)
    }

    @Test(arguments: ["sg-0123456789abcdef0", "sg-01234567"])
    func securityGroup_accepted(id: String) {
        #expect(AWSIdentifiers.securityGroupProblem(id) == nil)
    }

    @Test(arguments: ["sg-0123456", "sg-0123456789ABCDEF0", "SG-01234567", "sg-abcdefgh", "sg-\r\n1234567", "sg-éééééééé"])
    func securityGroup_refused(id: String) {
        #expect(AWSIdentifiers.securityGroupProblem(id)?.hasPrefix("not a security group id") == true)
    }

    @Test(arguments: [("111111111111", true), ("11111111111", false), ("11111111111a", false), ("11111\r\n111111", false),
                      ("١١١١١١١١١١١١", false), ("111111111111\u{301}", false)])
    func accountID(id: String, valid: Bool) {
        #expect((AWSIdentifiers.accountIDProblem(id) == nil) == valid)
    }
}
