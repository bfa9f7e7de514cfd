import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system chores around the state database: its directory, mode 0600 on the
/// database and its `-wal`/`-shm` companions, and operator-readable reasons for failures.
/// The umask is process-wide, so modes are set per file instead.
enum StateFile {
    /// Creates the parent directory (mode 0700) if needed, and the database file with mode 0600
    /// if it does not exist; an existing file is set to 0600.
    static func prepare(path: String) throws(StateStoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try makeDirectories(directory, for: path)
        }
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode_t(0o600))
        if fd >= 0 {
            let modeResult = fchmod(fd, mode_t(0o600))
            let modeErrno = errno
            close(fd)
            if modeResult != 0 {
                throw .cannotOpen(path: path, reason: "cannot set mode 0600: \(describe(errno: modeErrno))")
            }
            return
        }
        let openErrno = errno
        guard openErrno == EEXIST else {
            throw .cannotOpen(path: path, reason: describe(errno: openErrno))
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .cannotOpen(path: path, reason: "it is a directory; name a file inside it")
        }
        try restrictMode(path, for: path)
    }

    /// Sets mode 0600 on the `-wal` and `-shm` files next to `path`, where they exist.
    static func restrictCompanions(of path: String) throws(StateStoreError) {
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try restrictMode(path + suffix, for: path)
        }
    }

    /// An operator-readable reason for a failure to open or migrate the database.
    static func reason(for error: any Error) -> String {
        guard let error = error as? DatabaseError else { return String(describing: error) }
        switch error.resultCode {
        case .SQLITE_PERM, .SQLITE_AUTH:
            return "permission denied"
        case .SQLITE_READONLY:
            return "the file or its directory is read-only (permission denied)"
        case .SQLITE_CANTOPEN:
            return "unable to open the file (missing directory or permission denied)"
        case .SQLITE_NOTADB:
            return "the file is not an SQLite database"
        case .SQLITE_CORRUPT:
            return "the database file is corrupt; restore a backup or move it aside"
        case .SQLITE_FULL:
            return "the disk is full"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "the database is locked by another process; is another snapferry running?"
        default:
            return error.message ?? String(describing: error)
        }
    }

    /// Why the file system refused a write, for the errors that are the file system's doing and may
    /// pass once the operator acts (nil for the others: a constraint, a bug).
    static func writeRefusal(_ error: DatabaseError) -> String? {
        switch error.resultCode {
        case .SQLITE_FULL: return "the disk is full"
        case .SQLITE_READONLY: return "the file or its file system is read-only"
        case .SQLITE_IOERR: return "I/O error (\(error.extendedResultCode)); is its file system read-only or failing?"
        case .SQLITE_CANTOPEN, .SQLITE_PERM: return "permission denied or its directory is gone"
        default: return nil
        }
    }

    private static func restrictMode(_ file: String, for path: String) throws(StateStoreError) {
        if chmod(file, mode_t(0o600)) != 0 {
            throw .cannotOpen(path: path, reason: "cannot set mode 0600 on \(file): \(describe(errno: errno))")
        }
    }

    private static func makeDirectories(_ directory: String, for path: String) throws(StateStoreError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw .cannotOpen(path: path, reason: "\(directory) is not a directory")
        }
        let parent = (directory as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != directory {
            try makeDirectories(parent, for: path)
        }
        if mkdir(directory, mode_t(0o700)) != 0 && errno != EEXIST {
            throw .cannotOpen(path: path, reason: "cannot create directory \(directory): \(describe(errno: errno))")
        }
    }

    /// `strerror` text, lower-cased first letter ("permission denied").
    private static func describe(errno code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
