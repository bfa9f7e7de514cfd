import Foundation
import SnapferryConfig
import Testing

/// Keys that tell Yams's resolvers apart: `YAMLEventComposer` leaves every such file to Yams's default
/// resolver, and the reader looks fields up by text. These outcomes are what the default resolver and
/// `Node.Mapping`'s subscript gave before the loader had its own composer.
@Suite struct YAMLKeyTests {
    static func targetTags(_ yaml: String) throws -> [String: String] {
        try FleetLoader.load(yaml: yaml, file: "f.yaml").get().targets[0].tags
    }

    @Test func plainYesBesideQuotedYes_areTwoKeys_theLastWins() throws {
        #expect(try Self.targetTags(minimalFleet + "\n    tags: { yes: a, \"yes\": b }") == ["yes": "b"])
        #expect(try Self.targetTags(minimalFleet + "\n    tags: { null: a, \"null\": b, ~: c }") == ["null": "b", "~": "c"])
    }

    @Test func plainBesideQuotedField_isADuplicate() {
        let yaml = minimalFleet.replacingOccurrences(of: "    cluster: orders-dev\n", with: "    cluster: orders-dev\n    \"cluster\": other\n")
        #expect(diagnostics(yaml) == [#"f.yaml:21:5: duplicate key "cluster" in one mapping; each name may appear once"#])
    }

    @Test func intTaggedKeyBesidePlainNumber_isADuplicate_beforeALaterSyntaxError() {
        let dup = minimalFleet + "\n    tags: { 1: a, !!int 1: b }"
        #expect(diagnostics(dup) == [#"f.yaml:25:13: duplicate key "1" in one mapping; each name may appear once"#])
        #expect(diagnostics(dup + "\n  - [oops\n") == diagnostics(dup))
    }

    @Test func strTaggedField_isTheField_otherTagsAreNot() throws {
        let str = minimalFleet.replacingOccurrences(of: "    cluster: orders-dev\n", with: "    !!str cluster: orders-dev\n")
        #expect(try FleetLoader.load(yaml: str, file: "f.yaml").get().targets[0].cluster == "orders-dev")
        let custom = minimalFleet.replacingOccurrences(of: "  - name: orders-dev\n", with: "  - !custom name: orders-dev\n")
        #expect(diagnostics(custom) == ["f.yaml:17:5: targets[0].name: missing required field"])
    }

    @Test func mappingAsKey_isComposedAsBefore() {
        #expect(diagnostics(minimalFleet + "\n    tags: { ? { a: 1 } : b }") == [])
    }
}
