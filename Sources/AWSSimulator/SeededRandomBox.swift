import Foundation
import SnapferryCore

/// A seeded generator with the draws the simulator needs (probabilities,
/// uniform ranges, identifiers). A value type kept inside the world actor.
struct SeededRandomBox: Sendable {
    private var generator: SeededRandom

    init(seed: UInt64) { generator = SeededRandom(seed: seed) }

    /// A double in [0, 1).
    mutating func unit() -> Double {
        Double(generator.next() >> 11) / Double(UInt64(1) << 53)
    }

    /// True with probability `rate`.
    mutating func chance(_ rate: Double) -> Bool { rate >= 1 ? true : unit() < rate }

    /// A double uniformly in [low, high].
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        high <= low ? low : low + (high - low) * unit()
    }

    /// A value drawn from a scenario `[min, max]` range (one element: fixed).
    mutating func draw(_ range: [Double]) -> Double {
        guard let low = range.first else { return 0 }
        return uniform(low, range.count > 1 ? range[1] : low)
    }

    /// `count` characters from `alphabet`.
    mutating func token(_ count: Int, alphabet: String = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") -> String {
        let chars = Array(alphabet)
        return String((0..<count).map { _ in chars[Int(generator.next() % UInt64(chars.count))] })
    }
}

/// Stable (process-independent) identifiers derived from names, e.g. the
/// `aws/rds` key id of an account and region.
enum StableID {
    /// FNV-1a 64 of the text.
    static func hash(_ text: String) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return value
    }

    /// A UUID-shaped lower-case id derived from `text`.
    static func uuid(_ text: String) -> String {
        var random = SeededRandom(seed: hash(text))
        let hex = String(format: "%016llx%016llx", random.next(), random.next())
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }
}
