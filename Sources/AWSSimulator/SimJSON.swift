import Foundation

/// A JSON value as it appears in a scenario (key and trust policies), decodable
/// from JSON or YAML and re-encodable as JSON text for GetKeyPolicy.
public enum SimJSON: Sendable, Hashable, Codable {
    /// A string.
    case string(String)
    /// A number.
    case number(Double)
    /// A boolean.
    case bool(Bool)
    /// An array.
    case array([SimJSON])
    /// An object.
    case object([String: SimJSON])
    /// `null`.
    case null

    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode([String: SimJSON].self) { self = .object(value); return }
        if let value = try? container.decode([SimJSON].self) { self = .array(value); return }
        // Strings before numbers: YAML would otherwise turn account ids into doubles.
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode(Double.self) { self = .number(value); return }
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a JSON value")
    }

    /// Encodes the value as JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    /// The value as a list of strings: a string is a one-element list, numbers
    /// print without a fraction (account ids written unquoted in YAML).
    public var strings: [String] {
        switch self {
        case .string(let value): return [value]
        case .number(let value): return [value == value.rounded() ? String(format: "%.0f", value) : String(value)]
        case .bool(let value): return [String(value)]
        case .array(let values): return values.flatMap(\.strings)
        case .object, .null: return []
        }
    }

    /// The member `key` of an object (case-sensitive), or nil.
    public subscript(key: String) -> SimJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// Compact JSON text with sorted keys.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
