import Foundation
import SnapferryCore
import SnapferryEngine
import Synchronization

/// The terminal, shared by progress lines and prompts: while a question waits for its answer,
/// progress lines are held back and written after it, so no line lands inside a prompt.
final class Console: Sendable {
    static let shared = Console()
    private let state = Mutex<(prompting: Bool, held: [String])>((false, []))

    func line(_ text: String) {
        let write = state.withLock { s -> Bool in
            if s.prompting { s.held.append(text); return false }
            return true
        }
        if write { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    func beginPrompt() { state.withLock { $0.prompting = true } }

    func endPrompt() {
        let held = state.withLock { s -> [String] in
            s.prompting = false
            defer { s.held = [] }
            return s.held
        }
        for text in held { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }
}

/// Progress of `apply` as it happens, on standard error (standard output keeps the summary
/// and `--format json`): on a terminal a line per action and per change in what is awaited;
/// otherwise one timestamped log line per action.
struct ProgressPrinter: Sendable {
    let terminal: Bool
    let command: String

    init(command: String) {
        self.command = command
        terminal = isatty(STDERR_FILENO) == 1
    }

    func callAsFunction(_ event: RunEvent) {
        switch event {
        case let .performed(source, action):
            let r = action.record
            write(terminal ? "\(source): \(r.line)" : "\(stamp()) \(command) source=\(source) action=\(r.action) subject=\(r.subject) reason=\"\(r.reason)\"")
        case let .waiting(source, waits):
            for w in waits { write(terminal ? "\(source): waiting   \(w)" : "\(stamp()) \(command) source=\(source) waiting=\"\(w)\"") }
        case let .failed(source, message):
            let first = message.split(separator: "\n").first.map(String.init) ?? message
            write(terminal ? "\(source): FAILED    \(first)" : "\(stamp()) \(command) source=\(source) failed=\"\(first)\"")
        }
    }

    private func stamp() -> String { ISOTime.format(Date()) }
    private func write(_ line: String) { Console.shared.line(line) }
}

/// Asks the operator about deletions one at a time, however many sources ask at once.
final class DeletionPrompter: Sendable {
    private let gate = AsyncSemaphore(permits: 1)

    func confirm(source: String, id: String) async -> Bool {
        (try? await gate.withPermit {
            Console.shared.beginPrompt()
            defer { Console.shared.endPrompt() }
            return await Prompt.confirm("\(source): delete snapshot \(id)? [y/N] ")
        }) ?? false
    }
}

/// Reads a yes/no answer from the terminal on a dedicated thread.
enum Prompt {
    static func confirm(_ question: String) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread {
                FileHandle.standardOutput.write(Data(question.utf8))
                let answer = readLine()?.lowercased() ?? ""
                continuation.resume(returning: answer == "y" || answer == "yes")
            }.start()
        }
    }
}

/// SIGINT and SIGTERM stop a run cleanly: the task is cancelled (running AWS calls end, nothing
/// new starts), the command says what was in flight, and exits 130 or 143. A second signal exits at once.
final class Interruption: @unchecked Sendable {
    // @unchecked: `received` is written once on the signal queue, read after the run task ended.
    private var sources: [any DispatchSourceSignal] = []
    private(set) var received: Int32?
    private let queue = DispatchQueue(label: "snapferry.signals")

    /// Starts watching; `cancel` is called on the first signal.
    func watch(_ cancel: @escaping @Sendable () -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if self.received != nil { Foundation.exit(128 + sig) }
                self.received = sig
                FileHandle.standardError.write(Data("\nstopping (\(sig == SIGINT ? "SIGINT" : "SIGTERM")): letting running AWS calls finish; press Ctrl-C again to quit at once\n".utf8))
                cancel()
            }
            source.resume()
            sources.append(source)
        }
    }

    var name: String? { received.map { $0 == SIGINT ? "SIGINT" : "SIGTERM" } }
    var exitStatus: Int32? { received.map { 128 + $0 } }
}
