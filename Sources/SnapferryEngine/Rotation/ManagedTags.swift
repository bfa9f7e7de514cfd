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
        let d = tags.dictionary
        return d[managed] == "true" && d[self.fleet] == fleet && d[self.source] == source
    }
}
