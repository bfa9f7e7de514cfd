import AWSKit
import Foundation

/// The tags on everything snapferry creates (PRODUCT.md "Names and tags"), and
/// the ownership test that retention and retirement rely on.
public enum ManagedTags {
    /// `snapferry:managed`.
    public static let managed = "snapferry:managed"
    /// `snapferry:fleet`.
    public static let fleet = "snapferry:fleet"
    /// `snapferry:source`.
    public static let source = "snapferry:source"
    /// `snapferry:slot`.
    public static let slot = "snapferry:slot"
    /// `snapferry:target`.
    public static let target = "snapferry:target"

    /// The tags of a snapshot of `source` for `slot`.
    public static func forSnapshot(fleet: String, source: String, slot: Date) -> [Tag] {
        [Tag(managed, "true"), Tag(self.fleet, fleet), Tag(self.source, source), Tag(self.slot, AWSTimestamp.formatSeconds(slot))]
    }

    /// True when the tags say this fleet's `source` made it. Ownership also needs the state record.
    public static func carries(_ tags: [Tag], fleet: String, source: String) -> Bool {
        // A scan, not `tags.dictionary`: planners ask this of every snapshot on every pass.
        // As in the dictionary, the last of duplicate keys wins.
        var (isManaged, isFleet, isSource) = (false, false, false)
        for tag in tags {
            switch tag.key {
            case managed: isManaged = tag.value == "true"
            case self.fleet: isFleet = tag.value == fleet
            case self.source: isSource = tag.value == source
            default: break
            }
        }
        return isManaged && isFleet && isSource
    }
}
