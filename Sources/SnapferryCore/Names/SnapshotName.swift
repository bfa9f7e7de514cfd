import Foundation

/// The identifiers snapferry gives the snapshots it creates, derived from the
/// schedule slot so that a retried or resumed create finds the snapshot that
/// already exists instead of making a second one.
///
/// `snapferry-<source>-<yyyymmdd>-<hhmm>` (the slot in UTC); shareable copies
/// add `-s<N>` (N ≥ 1: `-s1` exists only when the primary itself cannot be
/// shared, e.g. under `aws/rds`); copies in a target account add `-<target>`.
/// RDS stores identifiers in lower case, so names are lower-cased.
public struct SnapshotName: Sendable, Hashable, CustomStringConvertible {
    /// The fleet source the snapshot belongs to.
    public let source: String
    /// The schedule slot, truncated to the minute.
    public let slot: Date
    /// nil for the primary snapshot, N ≥ 1 for the N-th shareable copy.
    public let shareCopy: Int?
    /// The target whose account holds this copy, if any.
    public let target: String?

    /// Creates the name of a snapshot of `source` for `slot`.
    public init(source: String, slot: Date, shareCopy: Int? = nil, target: String? = nil) {
        self.source = source.lowercased()
        self.slot = Date(timeIntervalSince1970: (slot.timeIntervalSince1970 / 60).rounded(.down) * 60)
        self.shareCopy = shareCopy
        self.target = target?.lowercased()
    }

    /// The RDS identifier.
    public var description: String {
        var id = "snapferry-\(source)-\(Self.stamp(slot))"
        if let shareCopy { id += "-s\(shareCopy)" }
        if let target { id += "-\(target)" }
        return id
    }

    /// The primary's name for this slot (drops copy and target suffixes).
    public var primary: SnapshotName { SnapshotName(source: source, slot: slot) }

    /// The prefix every snapshot of `source` starts with, for Describe filters.
    public static func prefix(source: String) -> String { "snapferry-\(source.lowercased())-" }

    /// `yyyymmdd-hhmm` in UTC. Integer arithmetic: planners name every slot of every source on
    /// each pass, and a `Calendar` per name was a tenth of a pass.
    static func stamp(_ date: Date) -> String {
        let seconds = Int((date.timeIntervalSince1970).rounded(.down))
        let day = CronCivilDay(containingLocalSeconds: seconds)
        let secondOfDay = seconds - day.localMidnight
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return pad(day.year, 4) + pad(day.month, 2) + pad(day.day, 2) + "-" + pad(secondOfDay / 3600, 2)
            + pad(secondOfDay % 3600 / 60, 2)
    }

    /// Parses an identifier made by `description` for a known source (source names may
    /// contain hyphens, so the source is given, not guessed). Case-insensitive.
    public init?(parsing id: String, source: String) {
        let id = id.lowercased(), prefix = Self.prefix(source: source)
        guard id.hasPrefix(prefix) else { return nil }
        let rest = id.dropFirst(prefix.count)
        guard rest.count >= 13 else { return nil }
        let stamp = Array(rest.prefix(13).utf8)
        guard stamp[8] == UInt8(ascii: "-") else { return nil }
        var digits: [Int] = []
        for (i, byte) in stamp.enumerated() where i != 8 {
            guard (48...57).contains(byte) else { return nil }
            digits.append(Int(byte) - 48)
        }
        func num(_ from: Int, _ len: Int) -> Int { digits[from..<(from + len)].reduce(0) { $0 * 10 + $1 } }
        let (month, day, hour, minute) = (num(4, 2), num(6, 2), num(8, 2), num(10, 2))
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60 else { return nil }
        let seconds = CronCivilDay.dayNumber(year: num(0, 4), month: month, day: day) * 86_400 + hour * 3600 + minute * 60
        let date = Date(timeIntervalSince1970: Double(seconds))
        // A day past the month's end rolls over; the round trip refuses it.
        guard Self.stamp(date) == String(decoding: stamp, as: UTF8.self) else { return nil }
        var tail = rest.dropFirst(13)
        var copy: Int?
        if tail.hasPrefix("-s"), let end = tail.dropFirst(2).firstIndex(where: { !$0.isNumber }) ?? Optional(tail.endIndex),
           let n = Int(tail[tail.index(tail.startIndex, offsetBy: 2)..<end]), n >= 1 {
            copy = n
            tail = tail[end...]
        }
        var target: String?
        if !tail.isEmpty {
            guard tail.hasPrefix("-"), tail.count > 1 else { return nil }
            target = String(tail.dropFirst())
        }
        self.init(source: source, slot: date, shareCopy: copy, target: target)
    }
}
