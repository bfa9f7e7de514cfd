import Foundation
import SnapferryConfig

/// The identifiers one refresh of a target uses, all derived from the target and the refresh
/// slot (the target's schedule time), so that a resumed or retried step finds by name what an
/// earlier attempt made instead of making a second one.
///
/// - the new cluster is restored as `<cluster>-new-<yyyymmddhhmm>` and renamed to `<cluster>`;
/// - the cluster it replaces is renamed to `<cluster>-old-<yyyymmddhhmm>` and deleted;
/// - instances are `<cluster name>-<n>`, numbered from 1 over the target's `instances` in order;
/// - the copy in the target account (`copy_into_account`) is `<shared snapshot id>-<target>`.
///
/// RDS identifiers are at most 63 characters, letters, digits and single hyphens, starting with a
/// letter and not ending with a hyphen; a long stable name is shortened before the suffix.
public struct RefreshNames: Sendable, Hashable {
    /// The stable cluster identifier (lower case, as RDS stores it).
    public let stable: String
    /// Where the new cluster is restored.
    public let incoming: String
    /// Where the replaced cluster is moved before it is deleted.
    public let retiring: String
    /// The refresh slot.
    public let slot: Date

    /// RDS's identifier length limit.
    public static let maxIdentifierLength = 63

    /// Names for `target`'s refresh at `slot`.
    public init(target: Target, slot: Date) {
        self.init(stable: target.cluster, slot: slot)
    }

    /// Names for the stable identifier `stable` at `slot`.
    public init(stable: String, slot: Date) {
        self.stable = stable.lowercased()
        self.slot = slot
        let stamp = Self.stamp(slot)
        // Three characters are left for the instance suffix (`-1` … `-99`), so that instance names are the
        // cluster name plus the suffix, never cut again (a resumed run recognises them by that prefix).
        incoming = Self.derived(self.stable, suffix: "-new-\(stamp)", limit: Self.maxIdentifierLength - 3)
        retiring = Self.derived(self.stable, suffix: "-old-\(stamp)", limit: Self.maxIdentifierLength - 3)
    }

    /// Instance `n` (from 1) of the cluster named `cluster`.
    public static func instance(_ n: Int, of cluster: String) -> String {
        derived(cluster, suffix: "-\(n)")
    }

    /// The copy of `sharedSnapshot` made in the target account for `target`.
    public static func accountCopy(of sharedSnapshot: String, target: String) -> String {
        derived(sharedSnapshot.lowercased(), suffix: "-\(target.lowercased())")
    }

    /// The identifier `base` + `suffix`, with `base` shortened (and stripped of trailing hyphens)
    /// so that the whole fits in 63 characters.
    static func derived(_ base: String, suffix: String, limit: Int = maxIdentifierLength) -> String {
        var head = String(base.prefix(max(1, limit - suffix.count)))
        while head.hasSuffix("-") { head.removeLast() }
        return head + suffix
    }

    /// `yyyymmddhhmm` in UTC.
    static func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d%02d%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }
}
