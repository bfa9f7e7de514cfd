import Foundation

/// An error from a `StateStore`. Its `description` tells the operator what to change.
public struct StateStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case cannotOpen(path: String, reason: String)
        case unknownOperation(id: String)
        case unknownSnapshot(account: String, region: String, identifier: String)
        case corruptRow(table: String, detail: String)
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
        }
    }
}
