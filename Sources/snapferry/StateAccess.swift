import ArgumentParser
import Foundation
import SnapferryConfig
import SnapferryDaemon
import SnapferryStore

/// Where the state database is, and how its path was chosen (for messages when it is missing).
struct StateLocation {
    var path: String
    var why: String

    init(_ fleet: FleetConfig, environment: [String: String] = ProcessInfo.processInfo.environment) {
        path = fleet.resolvedStatePath(environment: environment)
        if fleet.statePath != nil {
            why = "the fleet file's `state:`"
        } else if environment["STATE_DIRECTORY"] != nil {
            why = "$STATE_DIRECTORY (no `state:` in the fleet file)"
        } else {
            why = "the default ./snapferry-state.sqlite in \(FileManager.default.currentDirectoryPath) (no `state:` in the fleet file, no $STATE_DIRECTORY)"
        }
    }

    var exists: Bool { FileManager.default.fileExists(atPath: path) }
    var missingMessage: String { "state database \(path) does not exist (path from \(why))" }
}

/// Opens the state database for a command that changes things (`apply`, `adopt`): created if missing.
func openStore(_ fleet: FleetConfig) throws -> any StateStore {
    let location = StateLocation(fleet)
    do {
        return try SQLiteStateStore(path: location.path)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// Opens the state database for a read-only command, never creating it: nil when it does not exist.
func openExistingStore(_ fleet: FleetConfig) throws -> (store: (any StateStore)?, location: StateLocation) {
    let location = StateLocation(fleet)
    guard location.exists else { return (nil, location) }
    return (try openStore(fleet), location)
}

/// Writes a line to standard error.
func warn(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// One process changes a state database at a time: `apply`, `adopt` and the daemon take its lock;
/// a second one exits 2 naming the holder's pid. Keep the value alive while the database is used.
func lockState(_ fleet: FleetConfig) throws -> StateLock {
    do {
        return try StateLock(statePath: StateLocation(fleet).path)
    } catch {
        warn("\(error)")
        throw ExitCode(2)
    }
}
