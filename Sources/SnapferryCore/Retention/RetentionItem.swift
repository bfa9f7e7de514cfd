import Foundation

/// One snapshot as retention sees it: an identifier and the time it was taken.
public struct RetentionItem: Sendable, Hashable {
    /// Identifies the snapshot; also breaks ties between snapshots taken at the same instant.
    public let id: String
    /// When the snapshot was taken.
    public let time: Date

    /// Creates an item.
    public init(id: String, time: Date) {
        self.id = id
        self.time = time
    }
}
