import Yams

extension FleetLoader {
    /// The file's tree, from `YAMLEventComposer` when it can, else from Yams with its default
    /// resolver, whose errors (syntax, duplicate keys, a second document) are thrown as they are.
    ///
    /// Yams alone was most of the time to READY on a large fleet file: it checks every mapping for
    /// duplicate keys by hashing whole nodes (with the default resolver, each hash runs up to seven
    /// regular expressions), and makes a tag object and a Foundation string per scalar.
    static func compose(_ yaml: String) throws -> YAMLNode? {
        if let composed = YAMLEventComposer.compose(yaml) { return composed }
        return try Yams.compose(yaml: yaml).map(YAMLNode.init)
    }
}
