import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a `post_restore` command is told: the new cluster and how to reach it.
public struct HookContext: Sendable, Hashable {
    /// Creates the context.
    public init(environment: [String: String]) { self.environment = environment }
    /// Variables added to the environment: `SNAPFERRY_*` and the target session's `AWS_*`.
    public var environment: [String: String]
}

/// How a hook ended.
public struct HookResult: Sendable, Hashable {
    /// Exit status, or nil when it was killed at the timeout.
    public var status: Int32?
    /// The tail of its combined standard output and error (at most `HookRunner.outputLimit` bytes).
    public var output: String
    /// True when the timeout ran out.
    public var timedOut: Bool
    /// Exit 0 and no timeout.
    public var succeeded: Bool { status == 0 && !timedOut }
}

/// Runs `post_restore` commands.
public protocol HookRunner: Sendable {
    /// Runs `command` (argv, no shell) with `context`'s variables added to this process's environment,
    /// killing its whole process group when `timeout` runs out.
    func run(_ command: [String], context: HookContext, timeout: Duration) async -> HookResult
}

/// The live runner: `posix_spawn` in a new process group, output through a pipe (only the last
/// 16 KiB are kept), `SIGTERM` to the group at the timeout and `SIGKILL` five seconds later.
public struct ProcessHookRunner: HookRunner {
    /// Bytes of output kept.
    public static let outputLimit = 16 * 1024

    /// Creates the runner.
    public init() {}

    public func run(_ command: [String], context: HookContext, timeout: Duration) async -> HookResult {
        guard let executable = command.first else { return HookResult(status: 127, output: "empty command", timedOut: false) }
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in context.environment { environment[key] = value }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return HookResult(status: 127, output: "cannot make a pipe", timedOut: false) }
        let (readEnd, writeEnd) = (fds[0], fds[1])

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        defer { posix_spawn_file_actions_destroy(&actions); posix_spawnattr_destroy(&attributes) }

        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            return HookResult(status: 127, output: "cannot run \(executable): \(String(cString: strerror(spawned)))", timedOut: false)
        }

        let output = OutputTail(limit: Self.outputLimit)
        let child = pid
        // Blocking reads and waits run on their own threads, never on the cooperative pool.
        let readerDone = AsyncStream<Void>.makeStream()
        Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(readEnd, &buffer, buffer.count)
                if n <= 0 { break }
                output.append(buffer[0..<n])
            }
            close(readEnd)
            readerDone.continuation.finish()
        }.start()
        let (exited, timedOut): (Int32, Bool) = await withTaskGroup(of: Int32?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    Thread {
                        var status: Int32 = 0
                        while waitpid(child, &status, 0) == -1 && errno == EINTR {}
                        continuation.resume(returning: Self.exitCode(status))
                    }.start()
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            if let first = await group.next() ?? nil {
                group.cancelAll()
                return (first, false)
            }
            // Timed out: the whole group, so that children of a script go too.
            kill(-child, SIGTERM)
            let grace = Task { try? await Task.sleep(for: .seconds(5)); kill(-child, SIGKILL) }
            let status = await group.next() ?? nil
            grace.cancel()
            return (status ?? -1, true)
        }
        // The output is complete when the pipe closes; a child that outlives the hook and keeps it open is not waited for.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in readerDone.stream {} }
            group.addTask { try? await Task.sleep(for: .seconds(2)) }
            await group.next()
            group.cancelAll()
        }
        return HookResult(status: timedOut ? nil : exited, output: output.text, timedOut: timedOut)
    }

    /// The shell's convention: the exit status, or 128 + the signal that ended it.
    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

/// The last `limit` bytes written, shared between the reading thread and the caller.
final class OutputTail: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func append(_ chunk: ArraySlice<UInt8>) {
        lock.lock(); defer { lock.unlock() }
        bytes.append(contentsOf: chunk)
        if bytes.count > limit { bytes.removeFirst(bytes.count - limit) }
    }

    var text: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

