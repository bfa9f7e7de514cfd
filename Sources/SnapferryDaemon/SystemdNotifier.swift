import CSystemd
import Foundation

/// Where the daemon tells its supervisor how it is doing (`sd_notify` under systemd; tests record).
public protocol ServiceNotifier: Sendable {
    /// Sends newline-separated `KEY=value` assignments (`READY=1`, `STATUS=…`).
    func notify(_ assignments: String)
    /// How often systemd expects `WATCHDOG=1` (`WATCHDOG_USEC`), or nil when the watchdog is off.
    var watchdogTimeout: Duration? { get }
}

/// systemd's notification protocol through libsystemd: a no-op outside systemd (no `NOTIFY_SOCKET`).
public struct SystemdNotifier: ServiceNotifier {
    public let watchdogTimeout: Duration?

    public init() {
        var usec: UInt64 = 0
        // 0 keeps WATCHDOG_USEC/WATCHDOG_PID in the environment, so a hook the daemon starts could
        // see them; sd_watchdog_enabled checks WATCHDOG_PID against our pid, so a child cannot act on them.
        if sd_watchdog_enabled(0, &usec) > 0, usec > 0 {
            watchdogTimeout = .microseconds(Int64(usec))
        } else {
            watchdogTimeout = nil
        }
    }

    public func notify(_ assignments: String) {
        _ = assignments.withCString { sd_notify(0, $0) }
    }

    /// `MONOTONIC_USEC=` for `RELOADING=1`: CLOCK_MONOTONIC in microseconds, as systemd 253+ expects.
    public static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }
}
