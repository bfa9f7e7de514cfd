import Foundation

/// One process per state database: an exclusive `flock` on `<state>.lock`, which holds the
/// holder's pid for the message a second `apply` or `daemon` prints. The kernel drops the lock
/// when the process dies (even by SIGKILL), so a crash never leaves a stale lock behind.
/// `plan` and `status` only read and take no lock.
public final class StateLock: Sendable {
    public enum LockError: Error, CustomStringConvertible {
        case held(path: String, pid: Int32?)
        case cannotOpen(path: String, errno: Int32)

        public var description: String {
            switch self {
            case .held(let path, let pid):
                let who = pid.map { "process \($0)" } ?? "another process"
                return "the state database is in use by \(who) (lock \(path)): a daemon or apply already runs on this state file; "
                    + "stop it first (systemctl stop snapferry), or point this run at another `state:`"
            case .cannotOpen(let path, let errno):
                return "cannot open the lock file \(path): \(String(cString: strerror(errno))); check the state directory's permissions"
            }
        }
    }

    public let path: String
    private let fd: Int32

    /// Takes the lock beside `statePath` without waiting, or throws `.held` naming the holder's pid.
    public init(statePath: String) throws {
        path = statePath + ".lock"
        // The lock comes before the database, so it makes the state directory as the store would (0700).
        let directory = (statePath as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LockError.cannotOpen(path: path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPID(fd)
            close(fd)
            throw LockError.held(path: path, pid: holder)
        }
        self.fd = fd
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        // The pid stays in the file; only the flock says whether anyone holds it.
        flock(fd, LOCK_UN)
        close(fd)
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
