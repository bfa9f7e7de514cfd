import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: enough DOM to read AWS Query responses.
public struct XMLNode: Sendable, Hashable {
    /// Element name without namespace prefix.
    public var name: String
    /// Concatenated text content (for leaves), trimmed of surrounding whitespace.
    public var text: String
    /// Child elements in order.
    public var children: [XMLNode]

    /// Creates a node.
    public init(name: String, text: String = "", children: [XMLNode] = []) {
        self.name = name; self.text = text; self.children = children
    }

    /// The first child with this name.
    public func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// All children with this name.
    public func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// The text of the first child with this name, nil if absent.
    public func string(_ name: String) -> String? { child(name)?.text }

    /// The first descendant (depth-first) with this name.
    public func find(_ name: String) -> XMLNode? {
        for c in children {
            if c.name == name { return c }
            if let hit = c.find(name) { return hit }
        }
        return nil
    }

    /// Items of a wrapped list: `<Name><member>…</member></Name>` → the members.
    public func list(_ name: String) -> [XMLNode] { child(name)?.children ?? [] }

    /// Parses an XML document; throws `XMLParseError` on malformed or truncated input.
    public static func parse(_ data: Data) throws(XMLParseError) -> XMLNode {
        // AWS answers in UTF-8. Foundation's XMLParser on Linux traps (it force-unwraps the name's String) on an
        // element or attribute name that is not valid UTF-8, so such a body is refused before it gets there.
        if let offset = invalidUTF8Offset(data) {
            throw XMLParseError(reason: "not UTF-8 at byte \(offset)")
        }
        let builder = XMLTreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "no root element"
            throw XMLParseError(reason: "line \(parser.lineNumber): \(reason)")
        }
        return root
    }
}

/// Where `data` stops being valid UTF-8, or nil when all of it is.
func invalidUTF8Offset(_ data: Data) -> Int? {
    var decoder = UTF8()
    var iterator = data.makeIterator()
    var consumed = 0
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar): consumed += UTF8.width(scalar)
        case .emptyInput: return nil
        case .error: return consumed
        }
    }
}

/// The response body was not well-formed XML.
public struct XMLParseError: Error, Sendable, CustomStringConvertible {
    /// Where and why.
    public var reason: String
    /// Human-readable form.
    public var description: String { "malformed XML: \(reason)" }
}

/// SAX delegate building `XMLNode`s; used once per parse on one thread.
private final class XMLTreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [XMLNode] = []
    var root: XMLNode?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        stack.append(XMLNode(name: elementName))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard var node = stack.popLast() else { return }
        node.text = node.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
    }
}
