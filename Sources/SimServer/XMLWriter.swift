import AWSKit
import Foundation

/// Builds an XML document as text, escaping every value.
struct XMLWriter {
    private(set) var text = ""

    /// `<name>` … `</name>` around `body`.
    mutating func element(_ name: String, attributes: [(String, String)] = [], _ body: (inout XMLWriter) -> Void) {
        text += "<\(name)"
        for (key, value) in attributes { text += " \(key)=\"\(Self.escape(value))\"" }
        text += ">"
        body(&self)
        text += "</\(name)>"
    }

    /// Escaped character data inside the current element.
    mutating func characters(_ value: String) { text += Self.escape(value) }

    /// `<name>value</name>`; nil leaves the element out.
    mutating func leaf(_ name: String, _ value: String?) {
        guard let value else { return }
        text += "<\(name)>\(Self.escape(value))</\(name)>"
    }

    /// An integer leaf; nil leaves it out.
    mutating func leaf(_ name: String, _ value: Int?) { leaf(name, value.map { String($0) }) }

    /// A boolean leaf (`true`/`false`); nil leaves it out.
    mutating func leaf(_ name: String, _ value: Bool?) { leaf(name, value.map { $0 ? "true" : "false" }) }

    /// A timestamp leaf, ISO 8601 UTC with milliseconds; nil leaves it out.
    mutating func leaf(_ name: String, _ value: Date?) { leaf(name, value.map(AWSTimestamp.format)) }

    /// A list wrapper with one `member` element per item.
    mutating func list<Item>(_ name: String, member: String, _ items: [Item], _ body: (inout XMLWriter, Item) -> Void) {
        element(name) { writer in
            for item in items { writer.element(member) { body(&$0, item) } }
        }
    }

    /// Escapes the five XML special characters and drops characters XML 1.0 cannot carry.
    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            default:
                let v = scalar.value
                if v < 0x20 && v != 0x09 && v != 0x0A { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
