import Foundation

/// Form parameters of an AWS Query request (RDS, STS), in the flattening the
/// botocore `query` serializer uses: lists as `Name.member.N` (or the list's
/// locationName, e.g. `Tags.Tag.N.Key`), structures as `Name.Member`, booleans
/// as `true`/`false`, numbers in decimal. Indices start at 1.
public struct QueryParameters: Sendable, Hashable {
    /// Name → value; order does not matter on the wire (the body is sorted).
    public private(set) var values: [String: String] = [:]

    /// An empty parameter set.
    public init() {}

    /// Sets a string; nil leaves the parameter out.
    public mutating func set(_ name: String, _ value: String?) {
        if let value { values[name] = value }
    }

    /// Sets a boolean as `true`/`false`; nil leaves it out.
    public mutating func set(_ name: String, _ value: Bool?) {
        if let value { values[name] = value ? "true" : "false" }
    }

    /// Sets an integer; nil leaves it out.
    public mutating func set(_ name: String, _ value: Int?) {
        if let value { values[name] = String(value) }
    }

    /// Sets a number, without a trailing `.0` for whole numbers.
    public mutating func set(_ name: String, _ value: Double?) {
        guard let value else { return }
        values[name] = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// `Name.<member>.N` for each value; an empty list sends nothing.
    public mutating func setList(_ name: String, member: String, _ items: [String]) {
        for (i, item) in items.enumerated() { values["\(name).\(member).\(i + 1)"] = item }
    }

    /// `Tags.Tag.N.Key` / `Tags.Tag.N.Value`.
    public mutating func setTags(_ tags: [Tag]) {
        for (i, tag) in tags.enumerated() {
            values["Tags.Tag.\(i + 1).Key"] = tag.key
            values["Tags.Tag.\(i + 1).Value"] = tag.value
        }
    }

    /// `Filters.Filter.N.Name` / `Filters.Filter.N.Values.Value.M`.
    public mutating func setFilters(_ filters: [RDSFilter]) {
        for (i, filter) in filters.enumerated() {
            values["Filters.Filter.\(i + 1).Name"] = filter.name
            for (j, value) in filter.values.enumerated() {
                values["Filters.Filter.\(i + 1).Values.Value.\(j + 1)"] = value
            }
        }
    }

    /// The `application/x-www-form-urlencoded` body, keys sorted for stable signatures.
    public func formEncoded(action: String, version: String) -> String {
        var all = values
        all["Action"] = action
        all["Version"] = version
        return all.keys.sorted().map { "\(Self.encode($0))=\(Self.encode(all[$0] ?? ""))" }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding: everything but unreserved characters.
    static func encode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// Parses a form body back into name → value (for the simulator and tests).
    public static func parseForm(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(String(parts[0]))
            out[key] = parts.count > 1 ? decode(String(parts[1])) : ""
        }
        return out
    }

    static func decode(_ s: String) -> String {
        (s.replacingOccurrences(of: "+", with: " ")).removingPercentEncoding ?? s
    }
}
