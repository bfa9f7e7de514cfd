import AWSKit
import Foundation
import SnapferryCore

/// When to look at each account × region again, so that a fleet is polled per scope rather than
/// all at once: a change in one account brings only that account's next look forward, and an
/// account whose work AWS reports progress on is looked at when that work can first be done.
///
/// - a scope that acted is looked at again at once (to see what it started);
/// - a scope with work whose end can be foreseen (`earliestDone`) is looked at then, at least
///   `initial` later and at most `informedMax` (the estimate never runs past the real end);
/// - otherwise the wait grows ×1.5 from `initial` to `max`, as before.
public struct PollSchedule<Key: Hashable & Sendable>: Sendable {
    public let initial: Duration
    public let max: Duration
    /// The longest wait on an estimate (a safety net if AWS's progress stalls).
    public let informedMax: Duration
    private var next: [Key: AnyClock.Instant] = [:]
    private var delay: [Key: Duration] = [:]

    public init(initial: Duration, max: Duration, informedMax: Duration = .seconds(1800)) {
        self.initial = initial
        self.max = Swift.max(initial, max)
        self.informedMax = informedMax
    }

    /// The keys due at `now`; a key never seen is due.
    public func due(_ keys: some Sequence<Key>, at now: AnyClock.Instant) -> Set<Key> {
        Set(keys.filter { (next[$0] ?? now) <= now })
    }

    /// After a look at `key`: `acted` if changes were made there; `earliestDone`, how long until the
    /// first piece of work in flight there can have finished, when every piece has a foreseeable end.
    public mutating func looked(at key: Key, now: AnyClock.Instant, acted: Bool, earliestDone: Duration?) {
        if acted {
            delay[key] = initial
            next[key] = now
            return
        }
        let backoff = delay[key] ?? initial
        delay[key] = Swift.min(max, backoff * 1.5)
        if let earliestDone {
            next[key] = now.advanced(by: Swift.min(informedMax, Swift.max(initial, earliestDone)))
        } else {
            next[key] = now.advanced(by: backoff)
        }
    }

    /// `key` is due at once; its backoff goes on from where it was.
    public mutating func wake(_ key: Key) {
        next[key] = nil
    }

    /// The earliest next look among `keys`.
    public func nextLook(among keys: some Sequence<Key>) -> AnyClock.Instant? {
        keys.compactMap { next[$0] }.min()
    }
}
