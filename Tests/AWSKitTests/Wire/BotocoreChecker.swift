import Foundation
import SnapferryTestSupport

/// Runs `Tests/python/check_botocore_params.py` with the project virtualenv's
/// python (which has botocore), feeding it captured requests on stdin.
enum BotocoreChecker {
    /// The checker's exit status and everything it printed.
    struct Outcome: Sendable {
        /// 0 when every request matches botocore's models, 1 on violations, 2 on bad input.
        var status: Int32
        /// stdout and stderr together.
        var output: String
    }

    /// The checker script in this repository.
    static var script: String { TestPaths.repoRoot + "/Tests/python/check_botocore_params.py" }

    /// Checks `input` (a JSON array of requests).
    static func check(_ input: Data) throws -> Outcome {
        // stdin comes from a file so that neither side can block on a full pipe.
        let inputFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("snapferry-botocore-\(UUID().uuidString).json")
        try input.write(to: inputFile)
        defer { try? FileManager.default.removeItem(at: inputFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.python)
        process.arguments = [script]
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
    }
}
