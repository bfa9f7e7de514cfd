import Foundation

/// The result of running a command to completion.
public struct CommandResult: Sendable {
    /// Exit status.
    public var status: Int32
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String
}

/// Runs built executables of this package as an operator would.
public enum CommandRunner {
    /// Runs `executable` with `arguments`, feeding `stdin`, with a bounded wait (`timeout`).
    public static func run(_ executable: String, _ arguments: [String], stdin: String = "",
                           environment: [String: String] = [:], timeout: Duration = .seconds(120)) async throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        async let out = readAll(output.fileHandleForReading)
        async let err = readAll(error.fileHandleForReading)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                throw PeerError(message: "\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return CommandResult(status: process.terminationStatus, stdout: await out, stderr: await err)
    }

    /// Reads a pipe to its end on a dedicated thread.
    static func readAll(_ handle: FileHandle) async -> String {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: String(decoding: PipeReading.all(handle), as: UTF8.self)) }.start()
        }
    }

    /// Runs the built `snapferry`.
    public static func snapferry(_ arguments: [String], stdin: String = "", environment: [String: String] = [:]) async throws -> CommandResult {
        try await run(TestPaths.binary("snapferry"), arguments, stdin: stdin, environment: environment)
    }
}
