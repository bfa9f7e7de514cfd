import Yams

extension FleetLoader {
    /// The node tree and errors `Yams.compose(yaml:)` gives with its default resolver, sooner.
    ///
    /// Yams checks every mapping for duplicate keys by hashing them, and hashing a key resolves its
    /// tag with up to seven regular expressions: on a large fleet file that was most of the parse.
    /// Under the basic resolver, which has no rules, a plain key is `str` without any. Both resolvers
    /// find the same duplicates when every key is a plain or `str` scalar and no text appears twice
    /// in one mapping; anything else (`yes:` beside `"yes":`, a `!!int` key, a syntax error) is
    /// composed again with the default resolver, so its outcome and messages stay Yams's own.
    /// The reader looks only at text, style and marks, and at whether a key is `str`.
    static func compose(_ yaml: String) throws -> Node? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml, Resolver.basic)
        } catch {
            return try Yams.compose(yaml: yaml)
        }
        if let root, !keysArePlainText(root) { return try Yams.compose(yaml: yaml) }
        return root
    }

    /// Whether every mapping key in the tree is a scalar without a tag other than `str`.
    static func keysArePlainText(_ node: Node) -> Bool {
        switch node {
        case .scalar, .alias:
            return true
        case .sequence(let items):
            for item in items where !keysArePlainText(item) { return false }
            return true
        case .mapping(let pairs):
            for (key, value) in pairs {
                guard case .scalar(let s) = key, YAMLFields.isPlainOrStr(s.tag) else { return false }
                if case .scalar = value { continue }
                if !keysArePlainText(value) { return false }
            }
            return true
        }
    }
}
