import Foundation

/// An error from a `StateStore`. Its `description` tells the operator what to change.
public struct StateStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case cannotOpen(path: String, reason: String)
        case unknownOperation(id: String)
        case unknownSnapshot(account: String, region: String, identifier: String)
        case corruptRow(table: String, detail: String)
        case cannotWrite(path: String, reason: String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The state database at `path` could not be created, opened or migrated; `reason` says why
    /// (e.g. "permission denied").
    public static func cannotOpen(path: String, reason: String) -> StateStoreError {
        StateStoreError(.cannotOpen(path: path, reason: reason))
    }

    /// `finishOperation` named an operation that was never begun.
    public static func unknownOperation(id: String) -> StateStoreError {
        StateStoreError(.unknownOperation(id: id))
    }

    /// A snapshot update named a snapshot that was never recorded.
    public static func unknownSnapshot(account: String, region: String, identifier: String) -> StateStoreError {
        StateStoreError(.unknownSnapshot(account: account, region: region, identifier: identifier))
    }

    /// A stored row could not be read back (e.g. an unknown state written by a newer version).
    public static func corruptRow(table: String, detail: String) -> StateStoreError {
        StateStoreError(.corruptRow(table: table, detail: detail))
    }

    /// A write to the open database was refused by the file system or SQLite: the disk is full, the
    /// file or its file system became read-only, an I/O error. Nothing that needed the write was done.
    public static func cannotWrite(path: String, reason: String) -> StateStoreError {
        StateStoreError(.cannotWrite(path: path, reason: reason))
    }

    /// Whether this is `cannotWrite`: the file system, not the request, is at fault, and a later
    /// write may succeed once the operator has acted.
    public var isWriteRefused: Bool {
        if case .cannotWrite = code { return true }
        return false
    }

    /// The operator-facing message.
    public var description: String {
        switch code {
        case let .cannotOpen(path, reason):
            return "cannot open state database \(path): \(reason); check `state:` in the fleet file or StateDirectory="
        case let .unknownOperation(id):
            return "state database: no operation \"\(id)\" was begun; this is a snapferry bug, please report it"
        case let .unknownSnapshot(account, region, identifier):
            return "state database: snapshot \"\(identifier)\" in account \(account) region \(region) "
                + "is not recorded as owned; this is a snapferry bug, please report it"
        case let .corruptRow(table, detail):
            return "state database: unreadable row in \(table): \(detail); "
                + "was the file written by a newer snapferry? restore a backup or move the file aside"
        case let .cannotWrite(path, reason):
            return "cannot write state database \(path): \(reason); no AWS change is started until it can be recorded "
                + "(free space on its file system or make it writable; snapferry carries on by itself)"
        }
    }
}
