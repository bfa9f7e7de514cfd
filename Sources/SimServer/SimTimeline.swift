import Foundation
import SnapferryCore

/// The server's virtual clock: a `ManualClock` that `POST /_sim/advance` moves,
/// plus `scale` simulated seconds for every real second since the timeline began.
/// A scale of 0 freezes time between advances.
struct SimTimeline: Sendable {
    let manual: ManualClock
    let scale: Double
    let origin: ContinuousClock.Instant

    /// A timeline starting at `start` now.
    init(start: Date, scale: Double) {
        manual = ManualClock(start: start)
        self.scale = scale
        origin = .now
    }

    /// The current simulated date.
    var now: Date {
        let date = manual.nowDate
        guard scale > 0 else { return date }
        let real = origin.duration(to: .now)
        let seconds = Double(real.components.seconds) + Double(real.components.attoseconds) / 1e18
        return date.addingTimeInterval(seconds * scale)
    }

    /// Moves simulated time forward by `seconds` (fractions allowed).
    func advance(seconds: Double) {
        manual.advance(by: .nanoseconds(Int64((seconds * 1e9).rounded())))
    }
}
