import Foundation
import Synchronization

/// Whether the state database's last write went through, shared by the store that writes and the
/// daemon that reports it (log, `snapferry_state_writable`, `STATUS=`). A write that cannot be made
/// (disk full, file or file system read-only, I/O error) is refused before any AWS change that
/// needed it, because every mutating call is journalled first.
public final class StateWriteHealth: Sendable {
    public struct Snapshot: Sendable, Equatable {
        /// Writes refused since the process started.
        public var failures = 0
        /// Why the last write failed; nil once a write succeeds again.
        public var failing: String?
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func succeeded() {
        state.withLock { $0.failing = nil }
    }

    func failed(_ reason: String) {
        state.withLock {
            $0.failures += 1
            $0.failing = reason
        }
    }
}
