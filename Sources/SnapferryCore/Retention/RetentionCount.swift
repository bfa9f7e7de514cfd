import Foundation

/// How many buckets of one kind a retention rule keeps: a fixed number, or all of them.
///
/// Mirrors restic's `--keep-*` counts, where `unlimited` is restic's `-1`. A count of zero
/// means the rule is off, as in restic. In a fleet file or on the command line a count is
/// written as a non-negative integer or the word `unlimited`.
public enum RetentionCount: Sendable, Hashable, Codable {
    /// Keep at most this many buckets (zero or less: the rule is off).
    case count(Int)
    /// Keep one snapshot for every bucket, however many there are.
    case unlimited

    /// Parses `"7"` or `"unlimited"`; returns nil for anything else, including negative numbers.
    public init?(parsing text: String) {
        if text == "unlimited" {
            self = .unlimited
        } else if !text.isEmpty, text.allSatisfy({ ("0"..."9").contains($0) }), let value = Int(text) {
            self = .count(value)
        } else {
            return nil
        }
    }

    /// True when the rule keeps at least one bucket.
    public var isActive: Bool {
        switch self {
        case .count(let value): value > 0
        case .unlimited: true
        }
    }

    /// Decodes an integer (`7`) or the string `"unlimited"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            guard value >= 0 else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "\(value) is negative; give a count of 0 or more, or 'unlimited'")
            }
            self = .count(value)
            return
        }
        let text = try container.decode(String.self)
        guard let parsed = RetentionCount(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "\"\(text)\" is not a count; give a number of 0 or more, or 'unlimited'")
        }
        self = parsed
    }

    /// Encodes as an integer, or as the string `"unlimited"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .count(let value): try container.encode(value)
        case .unlimited: try container.encode("unlimited")
        }
    }
}
