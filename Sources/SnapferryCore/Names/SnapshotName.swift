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

    /// The RDS identifier, made once: planners compare and look up names many times per pass.
    public let description: String

    /// Creates the name of a snapshot of `source` for `slot`.
    public init(source: String, slot: Date, shareCopy: Int? = nil, target: String? = nil) {
        let source = source.lowercased(), target = target?.lowercased()
        let slot = Date(timeIntervalSince1970: (slot.timeIntervalSince1970 / 60).rounded(.down) * 60)
        var id = "snapferry-\(source)-\(Self.stamp(slot))"
        if let shareCopy { id += "-s\(shareCopy)" }
        if let target { id += "-\(target)" }
        self.init(source: source, slot: slot, shareCopy: shareCopy, target: target, description: id)
    }

    private init(source: String, slot: Date, shareCopy: Int?, target: String?, description: String) {
        self.source = source; self.slot = slot; self.shareCopy = shareCopy; self.target = target
        self.description = description
    }

    /// The `n`th shareable copy of this primary (`-sN` appended to the identifier, not rebuilt).
    public func withShareCopy(_ n: Int) -> SnapshotName {
        guard shareCopy == nil, target == nil else { return SnapshotName(source: source, slot: slot, shareCopy: n) }
        return SnapshotName(source: source, slot: slot, shareCopy: n, target: nil, description: description + "-s\(n)")
    }

    /// `id` in lower case; RDS identifiers are ASCII and mostly lower case already, and a planner
    /// pass asks this of every identifier it sees: no copy when nothing changes.
    public static func lowercasedIdentifier(_ id: String) -> String {
        let needsLowering = id.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 >= 0x80 || (0x41...0x5A).contains($0) }
        } ?? true
        return needsLowering ? id.lowercased() : id
    }

    /// The primary's name for this slot (drops copy and target suffixes).
    /// A canonical identifier starts with the primary's, so that is cut rather than formatted again.
    public var primary: SnapshotName {
        if shareCopy == nil && target == nil { return self }
        let length = 10 + source.utf8.count + 14  // "snapferry-" source "-" yyyymmdd-hhmm
        let id = String(decoding: description.utf8.prefix(length), as: UTF8.self)
        guard id.utf8.count == length, description.utf8.dropFirst(length).first == UInt8(ascii: "-") else {
            return SnapshotName(source: source, slot: slot)
        }
        return SnapshotName(source: source, slot: slot, shareCopy: nil, target: nil, description: id)
    }

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
        let id = Self.lowercasedIdentifier(id), source = Self.lowercasedIdentifier(source)
        // `snapferry-<source>-` without building it.
        var utf8 = id.utf8[...]
        for part in ["snapferry-".utf8[...], source.utf8[...], "-".utf8[...]] {
            guard utf8.starts(with: part) else { return nil }
            utf8 = utf8.dropFirst(part.count)
        }
        let bytes = Array(utf8)
        // yyyymmdd-hhmm, then optionally -sN, then optionally -<target>.
        guard bytes.count >= 13, bytes[8] == UInt8(ascii: "-") else { return nil }
        func number(_ from: Int, _ length: Int) -> Int? {
            var value = 0
            for byte in bytes[from..<(from + length)] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte) - 48
            }
            return value
        }
        guard let year = number(0, 4), let month = number(4, 2), let day = number(6, 2),
              let hour = number(9, 2), let minute = number(11, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60 else { return nil }
        let dayNumber = CronCivilDay.dayNumber(year: year, month: month, day: day)
        // A day past the month's end (20260231) rolls over into the next month; refuse it.
        guard CronCivilDay(dayNumber: dayNumber).day == day else { return nil }
        let slot = Date(timeIntervalSince1970: Double(dayNumber * 86_400 + hour * 3600 + minute * 60))
        var at = 13
        var copy: Int?
        var canonical = true
        if bytes.count > at + 2, bytes[at] == UInt8(ascii: "-"), bytes[at + 1] == UInt8(ascii: "s") {
            var end = at + 2
            while end < bytes.count, (48...57).contains(bytes[end]) { end += 1 }
            // Up to 18 digits cannot overflow; a longer run is no copy number (as `Int(_:)` would refuse it).
            if end > at + 2, end - at - 2 <= 18, let n = number(at + 2, end - at - 2), n >= 1 {
                copy = n
                canonical = bytes[at + 2] != UInt8(ascii: "0")  // `-s01` names the copy `-s1`
                at = end
            }
        }
        var target: String?
        if at < bytes.count {
            guard bytes[at] == UInt8(ascii: "-"), bytes.count > at + 1 else { return nil }
            target = String(decoding: bytes[(at + 1)...], as: UTF8.self)
        }
        if canonical {
            self.init(source: source, slot: slot, shareCopy: copy, target: target, description: id)
        } else {
            self.init(source: source, slot: slot, shareCopy: copy, target: target)
        }
    }
}
