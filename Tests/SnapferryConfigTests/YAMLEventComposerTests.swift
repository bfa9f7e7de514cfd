import Foundation
@testable import SnapferryConfig
import SnapferryCore
import Testing
import Yams

/// `YAMLEventComposer` against Yams's own composer (basic resolver), the independent reference:
/// wherever it composes a file, the tree must be Yams's, node for node, text, quoting, key kind and
/// position; and it must leave to Yams every file where the two could differ.
@Suite struct YAMLEventComposerTests {
    static func fixture(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "yaml", subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test func theExampleAndBrokenFleetFiles_composeAsYamsDoes() throws {
        for name in ["fleet.example", "broken"] {
            let text = try Self.fixture(name)
            let ours = try #require(YAMLEventComposer.compose(text), "\(name): left to Yams")
            let yams = try #require(try Yams.compose(yaml: text, Resolver.basic))
            #expect(ours == YAMLNode(yams), "\(name)")
        }
    }

    @Test func scalarStylesAnchorsAndUnicode_composeAsYamsDoes() throws {
        let text = """
        # comment
        plain: value with spaces
        single: 'it''s'
        double: "tab\\there \\u00e9"
        literal: |
          line one
          line two
        folded: >-
          folded
          text
        empty:
        tilde: ~
        base: &base { region: eu-west-1, "quoted key": [a, 'b', "c"] }
        copy: *base
        list:
          - &item x
          - *item
          - [nested, { deep: [1, 2] }]
        ünïcødé: 数据库 ✓
        "quoted key": v
        ? explicit
        : value
        !!str tagged: key
        value_tag: !!int 7
        """
        let ours = try #require(YAMLEventComposer.compose(text))
        let yams = try #require(try Yams.compose(yaml: text, Resolver.basic))
        #expect(ours == YAMLNode(yams))
        // Read off the text above: the alias is the anchored mapping, at the anchor's position.
        guard case .mapping(let root)? = ours else { Issue.record("root is not a mapping"); return }
        let byKey = Dictionary(root.pairs.map { ($0.key.string ?? "", $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(byKey["copy"] == byKey["base"])
        #expect(byKey["base"]?.mark == YAMLMark(line: 13, column: 7))
        #expect(byKey["single"] == .scalar(.init(string: "it's", style: .singleQuoted, isText: true, mark: YAMLMark(line: 3, column: 9))))
        #expect(byKey["empty"] == .scalar(.init(string: "", style: .plain, isText: true, mark: YAMLMark(line: 11, column: 7))))
        #expect(byKey["value_tag"]?.string == "7")
    }

    @Test func filesWhereYamsMustDecide_areLeftToIt() {
        let cases = [
            "a: 1\na: 2\n",                      // the same key twice: Yams's error names it
            "a: 1\n\"a\": 2\n",                  // the same text, once quoted: Yams's default resolver decides
            "{ 1: a, !!int 1: b }\n",            // a key tagged other than str
            "? [a, b]\n: c\n",                   // a list as a key
            "a: *nowhere\n",                     // an alias to no anchor
            "a: 1\n---\nb: 2\n",                 // two documents
            "a: [1, 2\n",                        // a syntax error: Yams's message and mark
            "a: b: c\n",
        ]
        for text in cases {
            #expect(YAMLEventComposer.compose(text) == nil, "composed: \(text.debugDescription)")
        }
    }

    @Test func anEmptyStreamIsNoDocument_aBareMarkerIsAnEmptyScalar() throws {
        for text in ["", "# only a comment\n", "\n\n"] {
            let ours = try #require(YAMLEventComposer.compose(text), "\(text.debugDescription) left to Yams")
            #expect(ours == nil)
            #expect(try Yams.compose(yaml: text, Resolver.basic) == nil)
        }
        let ours = try #require(YAMLEventComposer.compose("---\n"))
        #expect(ours == .scalar(.init(string: "", style: .plain, isText: true, mark: YAMLMark(line: 2, column: 1))))
        #expect(ours == (try Yams.compose(yaml: "---\n", Resolver.basic)).map(YAMLNode.init))
    }

    /// The fleet-file fuzzer's mutations of the example: every file composed here is composed
    /// identically by Yams. Most mutations break the file (a repeated line is a duplicate key), so
    /// about a third are composed here; a composer that left everything to Yams would pass the
    /// first check and save nothing, hence the counts.
    @Test func mutatedFleetFiles_composeAsYamsDoesOrAreLeftToIt() throws {
        let example = try Self.fixture("fleet.example").components(separatedBy: "\n")
        var random = SeededRandom(seed: 20_261_201)
        var (composed, leftToYams) = (0, 0)
        for n in 0..<1500 {
            var lines = example
            for _ in 0..<Int.random(in: 1...4, using: &random) { FleetFileFuzzTests.mutate(&lines, &random) }
            let text = lines.joined(separator: "\n")
            guard let ours = YAMLEventComposer.compose(text) else { leftToYams += 1; continue }
            composed += 1
            let yams: Node?
            do { yams = try Yams.compose(yaml: text, Resolver.basic) } catch {
                Issue.record("fuzz-\(n): composed here, refused by Yams: \(error)\n\(text)"); return
            }
            if ours != yams.map(YAMLNode.init) { Issue.record("fuzz-\(n): trees differ\n\(text)"); return }
        }
        #expect(composed > 300 && leftToYams > 300, "\(composed) composed, \(leftToYams) left to Yams")
    }
}
