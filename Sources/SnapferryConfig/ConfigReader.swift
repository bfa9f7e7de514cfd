import Foundation
import SnapferryCore

/// Walks a composed YAML node tree, reading typed values and collecting every
/// problem with its line, column and field path instead of stopping at the first.
/// Local to one load; not shared across tasks.
final class ConfigReader {
    let file: String
    private(set) var diagnostics: [ConfigDiagnostic] = []
    /// Where each field path's value (or, for missing ones, the parent) starts.
    private(set) var locations: [String: YAMLMark] = [:]
    /// Schedules parsed so far, by expression: fleets repeat a few expressions many times.
    var schedules: [String: CronSchedule] = [:]

    /// `expectedPaths`: about how many field paths will be recorded (saves regrowing `locations`).
    init(file: String, expectedPaths: Int = 0) {
        self.file = file
        locations.reserveCapacity(expectedPaths)
    }

    /// Records a problem at `mark` (or 1:1 when the node has none).
    func error(_ path: String, at mark: YAMLMark?, _ message: String) {
        error(path, line: mark?.line ?? 1, column: mark?.column ?? 1, message)
    }

    /// Records a problem at an explicit position.
    func error(_ path: String, line: Int, column: Int, _ message: String) {
        diagnostics.append(ConfigDiagnostic(file: file, line: line, column: column, path: path, message: message))
    }

    /// Records a problem at the recorded location of `path` (falling back to its parents).
    func error(_ path: String, _ message: String) {
        error(path, at: location(of: path), message)
    }

    /// The best known location for `path`: itself, or the nearest parent recorded.
    func location(of path: String) -> YAMLMark? {
        var p = path
        while true {
            if let m = locations[p] { return m }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else { return locations[""] }
            p = String(p[..<cut])
        }
    }

    func record(_ path: String, _ node: YAMLNode) { locations[path] = node.mark }

    static func typeName(_ node: YAMLNode) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s): return s.string.isEmpty ? "nothing" : "\"\(s.string)\""
        }
    }

    static func isNull(_ node: YAMLNode) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain else { return false }
        switch s.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    // MARK: - Containers

    /// The node as a mapping, or an error naming what it should be.
    func mapping(_ node: YAMLNode, _ path: String) -> YAMLFields? {
        record(path, node)
        if case .mapping(let m) = node { return YAMLFields(m) }
        error(path, at: node.mark, "expected a mapping of keys, got \(Self.typeName(node))")
        return nil
    }

    /// The node as a list.
    func sequence(_ node: YAMLNode, _ path: String) -> [YAMLNode]? {
        record(path, node)
        if case .sequence(let items, _) = node { return items }
        error(path, at: node.mark, "expected a list, got \(Self.typeName(node))")
        return nil
    }

    /// Reports unknown keys (with a did-you-mean) and missing required keys of a mapping.
    func checkKeys(_ m: YAMLFields, _ path: String, mark: YAMLMark?, allowed: [String], required: [String] = []) {
        for (key, _) in m {
            let name = key.string ?? ""
            if !allowed.contains(name) {
                var msg = "unknown key \"\(name)\""
                if let s = DidYouMean.suggestion(for: name, in: allowed) { msg += "; did you mean \"\(s)\"?" }
                msg += " (allowed: \(allowed.joined(separator: ", ")))"
                error(join(path, name), at: key.mark, msg)
            }
        }
        for key in required where value(m, key) == nil {
            error(join(path, key), at: mark, "missing required field")
        }
    }

    /// A key's value, treating an explicit null as absent.
    func value(_ m: YAMLFields, _ key: String) -> YAMLNode? {
        guard let v = m[key], !Self.isNull(v) else { return nil }
        return v
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: - Scalars

    /// A scalar's text, or an error if the node is a list or mapping.
    func string(_ m: YAMLFields, _ key: String, _ path: String, required: Bool = false) -> String? {
        let p = join(path, key)
        guard let node = value(m, key) else {
            if required { error(p, at: m.mark, "missing required field") }
            return nil
        }
        record(p, node)
        guard case .scalar(let s) = node else {
            error(p, at: node.mark, "expected a string, got \(Self.typeName(node))")
            return nil
        }
        if s.string.isEmpty { error(p, at: node.mark, "must not be empty"); return nil }
        return s.string
    }

    /// An integer value.
    func int(_ m: YAMLFields, _ key: String, _ path: String, required: Bool = false) -> Int? {
        let p = join(path, key)
        guard let text = string(m, key, path, required: required) else { return nil }
        guard let v = Int(text.contains("_") ? text.filter { $0 != "_" } : text) else {
            error(p, "expected a whole number, got \"\(text)\""); return nil
        }
        return v
    }

    /// A number (integer or decimal).
    func double(_ m: YAMLFields, _ key: String, _ path: String, required: Bool = false) -> Double? {
        let p = join(path, key)
        guard let text = string(m, key, path, required: required) else { return nil }
        guard let v = Double(text), v.isFinite else { error(p, "expected a number, got \"\(text)\""); return nil }
        return v
    }

    /// `true` or `false`.
    func bool(_ m: YAMLFields, _ key: String, _ path: String) -> Bool? {
        let p = join(path, key)
        guard let text = string(m, key, path) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: error(p, "expected true or false, got \"\(text)\""); return nil
        }
    }

    /// A duration such as `90s`, `30m`, `36h`, `7d`, `1d12h`.
    func duration(_ m: YAMLFields, _ key: String, _ path: String) -> Duration? {
        let p = join(path, key)
        guard let text = string(m, key, path) else { return nil }
        guard let d = parseFleetDuration(text), d > .zero else {
            error(p, "invalid duration \"\(text)\"; use a number with a unit s, m, h, d or w, like 90s, 30m, 36h, 7d or 1d12h")
            return nil
        }
        return d
    }

    /// A list of strings.
    func stringList(_ m: YAMLFields, _ key: String, _ path: String, required: Bool = false) -> [String]? {
        let p = join(path, key)
        guard let node = value(m, key) else {
            if required { error(p, at: m.mark, "missing required field") }
            return nil
        }
        guard let items = sequence(node, p) else { return nil }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            let ip = "\(p)[\(i)]"
            record(ip, item)
            if case .scalar(let s) = item, !s.string.isEmpty { out.append(s.string) } else {
                error(ip, at: item.mark, "expected a string, got \(Self.typeName(item))")
            }
        }
        return out
    }

    /// Checks a string against a syntax rule, reporting the rule's message.
    func check(_ path: String, _ problem: String?) {
        if let problem { error(path, problem) }
    }
}

/// A YAML mapping with its keys indexed by their text. A key that is not text (`!!int 5:`) is
/// never looked up; the last of two keys with the same text wins.
struct YAMLFields: Sequence {
    let mark: YAMLMark
    private let pairs: [YAMLNode.Pair]
    private let byKey: [String: YAMLNode]

    init(_ mapping: YAMLNode.Mapping) {
        mark = mapping.mark
        pairs = mapping.pairs
        var byKey: [String: YAMLNode] = [:]
        byKey.reserveCapacity(pairs.count)
        for pair in pairs {
            guard case .scalar(let s) = pair.key, s.isText else { continue }
            byKey[s.string] = pair.value
        }
        self.byKey = byKey
    }

    subscript(key: String) -> YAMLNode? { byKey[key] }

    func makeIterator() -> some IteratorProtocol<(key: YAMLNode, value: YAMLNode)> {
        pairs.lazy.map { (key: $0.key, value: $0.value) }.makeIterator()
    }
}
