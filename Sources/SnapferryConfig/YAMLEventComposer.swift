import CYaml

/// Builds a `YAMLNode` tree straight from libyaml's parse events, for fleet files whose mapping
/// keys are all distinct strings (every real one).
///
/// It gives up (`nil`) on anything else — a syntax error, a key that is a list or mapping or has a
/// tag other than `!!str`, the same key twice in a mapping, an undefined alias, a second document
/// — and the caller composes the file again with Yams, so that Yams's own errors and tag rules
/// decide those cases. Where it does not give up, its tree is the one Yams composes with its basic
/// resolver (`YAMLEventComposerTests` holds the two side by side); it is faster because it makes no
/// tag object per node, hashes only key text to find duplicates, and decodes each scalar's UTF-8
/// without Foundation.
///
/// `CYaml` is the libyaml that Yams builds and links (its own target, not a product): a second
/// libyaml, such as Debian's, would clash with it at link time.
final class YAMLEventComposer {
    private var parser = yaml_parser_t()
    private var event = yaml_event_t()
    private var anchors: [String: YAMLNode] = [:]

    /// The document's tree (nil for an empty stream), or nil when Yams must compose it.
    static func compose(_ yaml: String) -> YAMLNode?? {
        var text = yaml
        return text.withUTF8 { bytes in
            let composer = YAMLEventComposer()
            guard yaml_parser_initialize(&composer.parser) == 1 else { return nil }
            defer {
                yaml_event_delete(&composer.event)
                yaml_parser_delete(&composer.parser)
            }
            yaml_parser_set_encoding(&composer.parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&composer.parser, bytes.baseAddress, bytes.count)
            return composer.document()
        }
    }

    private func next() -> Bool {
        yaml_event_delete(&event)
        return yaml_parser_parse(&parser, &event) == 1
    }

    private func document() -> YAMLNode?? {
        guard next(), event.type == YAML_STREAM_START_EVENT, next() else { return nil }
        if event.type == YAML_STREAM_END_EVENT { return .some(nil) }
        guard event.type == YAML_DOCUMENT_START_EVENT, next(), let root = node(),
              next(), event.type == YAML_DOCUMENT_END_EVENT,
              next(), event.type == YAML_STREAM_END_EVENT else { return nil }
        return .some(root)
    }

    /// The node that starts at the current event, having read up to its last event.
    private func node() -> YAMLNode? {
        let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_ALIAS_EVENT:
            guard let name = Self.text(event.data.alias.anchor) else { return nil }
            return anchors[name]
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let string = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let style: YAMLNode.Scalar.Style = switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: .literal
            case YAML_FOLDED_SCALAR_STYLE: .folded
            default: .plain
            }
            // As Yams reads it: a quoted scalar without a tag is `!!str`, a plain one has none.
            let isText = s.quoted_implicit == 1 || s.tag == nil || Self.text(s.tag) == YAMLNode.strTag
            return remember(.scalar(.init(string: string, style: style, isText: isText, mark: mark)), as: Self.text(s.anchor))
        case YAML_SEQUENCE_START_EVENT:
            let anchor = Self.text(event.data.sequence_start.anchor)
            var items: [YAMLNode] = []
            while true {
                guard next() else { return nil }
                if event.type == YAML_SEQUENCE_END_EVENT { break }
                guard let item = node() else { return nil }
                items.append(item)
            }
            return remember(.sequence(items, mark), as: anchor)
        case YAML_MAPPING_START_EVENT:
            let anchor = Self.text(event.data.mapping_start.anchor)
            var pairs: [YAMLNode.Pair] = []
            var keys = Set<String>()
            while true {
                guard next() else { return nil }
                if event.type == YAML_MAPPING_END_EVENT { break }
                guard let key = node(), case .scalar(let k) = key, k.isText, keys.insert(k.string).inserted,
                      next(), let value = node() else { return nil }
                pairs.append(.init(key: key, value: value))
            }
            return remember(.mapping(.init(pairs: pairs, mark: mark)), as: anchor)
        default:
            return nil
        }
    }

    private func remember(_ node: YAMLNode, as anchor: String?) -> YAMLNode {
        if let anchor { anchors[anchor] = node }
        return node
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
