import Yams

/// Where a node starts in the file, both from 1; columns count Unicode scalars, as libyaml does.
struct YAMLMark: Equatable, Sendable {
    let line: Int
    let column: Int
}

/// The composed fleet file: only what the reader looks at (text, quoting, whether a key is a
/// string, where each node starts). Lighter than Yams's `Node`, which carries a tag object, an
/// anchor and a style per node, and built straight from libyaml's events (`YAMLEventComposer`).
indirect enum YAMLNode: Equatable, Sendable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence([YAMLNode], YAMLMark)

    struct Scalar: Equatable, Sendable {
        enum Style: Equatable, Sendable { case plain, singleQuoted, doubleQuoted, literal, folded }
        let string: String
        let style: Style
        /// No tag, or `!!str` (which a quoted scalar gets implicitly): the only keys the reader matches.
        let isText: Bool
        let mark: YAMLMark
    }

    struct Mapping: Equatable, Sendable {
        let pairs: [Pair]
        let mark: YAMLMark
    }

    struct Pair: Equatable, Sendable {
        let key: YAMLNode
        let value: YAMLNode
    }

    var mark: YAMLMark {
        switch self {
        case .scalar(let s): return s.mark
        case .mapping(let m): return m.mark
        case .sequence(_, let mark): return mark
        }
    }

    /// The text of a scalar; nil for a list or mapping.
    var string: String? {
        if case .scalar(let s) = self { return s.string }
        return nil
    }
}

extension YAMLNode {
    static let strTag = "tag:yaml.org,2002:str"

    /// Yams's tree, for the files `YAMLEventComposer` leaves to Yams. Its aliases are already
    /// replaced by the nodes they name.
    init(_ node: Node) {
        func mark(_ m: Mark?) -> YAMLMark { YAMLMark(line: m?.line ?? 1, column: m?.column ?? 1) }
        switch node {
        case .scalar(let s):
            let style: Scalar.Style = switch s.style {
            case .singleQuoted: .singleQuoted
            case .doubleQuoted: .doubleQuoted
            case .literal: .literal
            case .folded: .folded
            case .any, .plain: .plain
            }
            let tag = s.tag.rawValue
            self = .scalar(Scalar(string: s.string, style: style, isText: tag.isEmpty || tag == Self.strTag, mark: mark(s.mark)))
        case .mapping(let m):
            self = .mapping(Mapping(pairs: m.map { Pair(key: YAMLNode($0.key), value: YAMLNode($0.value)) }, mark: mark(m.mark)))
        case .sequence(let s):
            self = .sequence(s.map(YAMLNode.init), mark(s.mark))
        case .alias(let a):
            self = .scalar(Scalar(string: "*\(a.anchor.rawValue)", style: .plain, isText: false, mark: mark(a.mark)))
        }
    }
}
