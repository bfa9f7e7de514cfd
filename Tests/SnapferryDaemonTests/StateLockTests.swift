import Foundation
import SnapferryDaemon
import Testing

@Suite struct StateLockTests {
    @Test func aSecondHolderIsRefusedWithTheFirstOnesPid_andTheLockIsFreeAgainOnceReleased() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path + ".lock") }
        var first: StateLock? = try StateLock(statePath: path)
        #expect(first?.path == path + ".lock")
        // flock locks belong to the open file: a second open in the same process conflicts as another process would.
        do {
            _ = try StateLock(statePath: path)
            Issue.record("a second lock on the same state file was granted")
        } catch let StateLock.LockError.held(lockPath, pid) {
            #expect(lockPath == path + ".lock")
            #expect(pid == getpid())
        }
        first = nil
        #expect(throws: Never.self) { _ = try StateLock(statePath: path) }
    }

    @Test func anUnwritableDirectoryIsReportedWithThePath() {
        #expect {
            _ = try StateLock(statePath: "/proc/no-such-dir/state.sqlite")
        } throws: { error in
            "\(error)".contains("/proc/no-such-dir/state.sqlite.lock")
        }
    }
}
