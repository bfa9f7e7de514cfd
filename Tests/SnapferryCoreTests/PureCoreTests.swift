import Foundation
import Testing

/// The pure core (SnapferryCore, SnapferryConfig, the planner) does no I/O and never reads
/// the clock: `now` is always a parameter. This scans their sources for the ways to break that.
@Suite struct PureCoreTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let forbidden = ["Date()", "Date.now", "ContinuousClock()", "SuspendingClock()", "import FoundationNetworking",
                            "URLSession", "import GRDB", "import SQLite", "sqlite3_", "import NIO", "import AsyncHTTPClient",
                            "ProcessInfo.processInfo.environment", "FileManager.default.contents"]

    static func sources(_ folder: String) -> [URL] {
        let dir = root.appendingPathComponent(folder)
        let files = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? []
        return files.filter { $0.pathExtension == "swift" }
    }

    @Test(arguments: ["Sources/SnapferryCore", "Sources/SnapferryConfig", "Sources/SnapferryEngine/Rotation/RotationPlanner.swift",
                      "Sources/SnapferryEngine/Rotation/RotationPlanner+Retention.swift", "Sources/SnapferryEngine/Rotation/DeletionSafety.swift"])
    func pureModule_neitherReadsTheClockNorDoesIO(path: String) throws {
        let files = path.hasSuffix(".swift") ? [Self.root.appendingPathComponent(path)] : Self.sources(path)
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for needle in Self.forbidden where text.contains(needle) {
                // FleetLoader.load(path:) is the one deliberate file read, at the edge of the config module.
                if needle == "FileManager.default.contents", file.lastPathComponent == "FleetLoader.swift" { continue }
                Issue.record("\(file.lastPathComponent) uses \(needle)")
            }
        }
    }
}
