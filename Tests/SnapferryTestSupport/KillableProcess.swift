import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process the test may end abruptly with SIGKILL (a crash, as the operating
/// system would deliver it). Output goes to files so the child never blocks on a full pipe.
public final class KillableProcess: @unchecked Sendable {
    // @unchecked: `process` is only started in `start`, then read (isRunning, status) or signalled.
    private let process: Process
    private let stdoutPath: String
    private let stderrPath: String

    private init(process: Process, stdoutPath: String, stderrPath: String) {
        self.process = process; self.stdoutPath = stdoutPath; self.stderrPath = stderrPath
    }

    /// Starts `executable` with `arguments`, its environment extended by `environment`,
    /// writing its output under `directory` (files named after `label`).
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String],
                             directory: URL, label: String) throws -> KillableProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = directory.appendingPathComponent("\(label).stdout").path
        let err = directory.appendingPathComponent("\(label).stderr").path
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        return KillableProcess(process: process, stdoutPath: out, stderrPath: err)
    }

    /// Whether the child still runs.
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` (SIGINT, SIGTERM, …) without waiting.
    public func send(_ signal: Int32) {
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, signal) }
    }

    /// Sends SIGKILL and waits (bounded) until the child is gone.
    public func kill() async throws {
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
        _ = try await wait(timeout: .seconds(10))
    }

    /// Waits for the child to end and returns its exit status (128 + n when killed by signal n);
    /// on timeout the child is killed and an error thrown.
    public func wait(timeout: Duration) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                _ = Glibc.kill(process.processIdentifier, SIGKILL)
                throw PeerError(message: "\(process.executableURL?.path ?? "child") did not finish within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// What the child wrote on standard output.
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    /// What the child wrote on standard error.
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
}
