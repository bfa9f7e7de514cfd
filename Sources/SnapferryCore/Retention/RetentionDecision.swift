import Foundation

/// The outcome of ``applyRetention(_:policy:now:timeZone:)``: what to keep, and why, and
/// what to remove. Both lists are newest first. The caller performs (or prints) it.
public struct RetentionDecision: Sendable {
    /// A kept snapshot with every reason that keeps it.
    public struct Kept: Sendable, Hashable {
        /// The snapshot.
        public var item: RetentionItem
        /// All rules that keep it, in evaluation order (never empty).
        public var reasons: [KeepReason]

        /// Creates an entry.
        public init(item: RetentionItem, reasons: [KeepReason]) {
            self.item = item
            self.reasons = reasons
        }
    }

    /// Snapshots to keep, newest first.
    public var keep: [Kept]
    /// Snapshots to remove, newest first.
    public var remove: [RetentionItem]

    /// Creates a decision.
    public init(keep: [Kept], remove: [RetentionItem]) {
        self.keep = keep
        self.remove = remove
    }
}
