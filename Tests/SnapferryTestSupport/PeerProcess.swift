import Foundation

/// A local test peer (moto_server, snapferry-sim) started through
/// `Tests/python/run_peer.py`, which ends it when the test process ends.
/// Start-up waits for a line matching a pattern, with a bounded timeout.
public final class PeerProcess: @unchecked Sendable {
    // @unchecked: `process` is only terminated after start-up completes; no shared mutation.
    private let process: Process

    private init(process: Process) { self.process = process }

    /// Ends the peer.
    public func stop() {
        if process.isRunning { process.terminate() }
    }

    deinit { stop() }

    /// Starts `command` and waits until a line of its output contains a match for `pattern`;
    /// returns the peer and the first capture group.
    public static func start(_ command: [String], waitFor pattern: String, timeout: Duration = .seconds(60),
                             environment: [String: String] = [:]) async throws -> (PeerProcess, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.python)
        process.arguments = [TestPaths.repoRoot + "/Tests/python/run_peer.py", "--max-seconds", "3600", "--"] + command
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let peer = PeerProcess(process: process)
        let regex = try NSRegularExpression(pattern: pattern)
        let match: String? = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { await LineWatcher.firstMatch(pipe.fileHandleForReading, regex) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let match else {
            peer.stop()
            throw PeerError(message: "\(command.joined(separator: " ")) did not print /\(pattern)/ within \(timeout)")
        }
        return (peer, match)
    }
}

/// Start-up failure of a peer.
public struct PeerError: Error, CustomStringConvertible {
    /// What happened.
    public var message: String
    /// Description.
    public var description: String { message }
}

/// Reads a pipe on a dedicated thread (never the cooperative pool) and keeps
/// draining it after the first match so the peer never blocks on a full pipe.
enum LineWatcher {
    static func firstMatch(_ handle: FileHandle, _ regex: NSRegularExpression) async -> String? {
        await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let thread = Thread {
                var buffer = Data()
                var resumed = false
                while true {
                    guard let chunk = PipeReading.chunk(handle) else { break }
                    if resumed { continue }
                    buffer.append(chunk)
                    let text = String(decoding: buffer, as: UTF8.self)
                    let range = NSRange(text.startIndex..., in: text)
                    if let m = regex.firstMatch(in: text, range: range) {
                        let group = m.numberOfRanges > 1 ? m.range(at: 1) : m.range
                        continuation.resume(returning: Range(group, in: text).map { String(text[$0]) } ?? "")
                        resumed = true
                        buffer = Data()
                    }
                }
                if !resumed { continuation.resume(returning: nil) }
            }
            thread.start()
        }
    }
}

/// Paths of the repository and its test tools.
public enum TestPaths {
    /// The repository root (two levels above this file's folder).
    public static let repoRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    /// The project virtualenv (`$SNAPFERRY_VENV` or `.venv`), made by scripts/setup.sh.
    public static var venv: String {
        ProcessInfo.processInfo.environment["SNAPFERRY_VENV"] ?? repoRoot + "/.venv"
    }

    /// The virtualenv's python, which has moto, boto3 and pytest.
    public static var python: String { venv + "/bin/python" }

    /// A built executable of this package (debug by default).
    public static func binary(_ name: String) -> String {
        let configuration = ProcessInfo.processInfo.environment["SNAPFERRY_BUILD_DIR"] ?? repoRoot + "/.build/debug"
        return configuration + "/" + name
    }
}

/// Reads pipes with POSIX `read`: Foundation's `availableData` traps on EINTR on
/// Linux, and `read(upToCount:)` waits for the full count instead of returning what is there.
public enum PipeReading {
    /// The next chunk, or nil at end of file (or on an error other than EINTR).
    public static func chunk(_ handle: FileHandle) -> Data? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if n > 0 { return Data(buffer[0..<n]) }
            if n < 0, errno == EINTR { continue }
            return nil
        }
    }

    /// Everything up to end of file.
    public static func all(_ handle: FileHandle) -> Data {
        var data = Data()
        while let chunk = chunk(handle) { data.append(chunk) }
        return data
    }
}
