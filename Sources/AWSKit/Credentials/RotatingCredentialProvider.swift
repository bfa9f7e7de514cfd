import Foundation
import Logging

/// Caches another provider's credentials and refreshes them `refreshAhead` before
/// they expire, with at most one refresh in flight: callers that arrive during a
/// refresh wait for the same task. A failed refresh is not cached (the next caller
/// tries again); credentials without an expiration are kept for good.
///
/// Callers ask once per request attempt, so a request is never signed with
/// credentials that have less than `refreshAhead` left.
public actor RotatingCredentialProvider: CredentialProvider {
    private enum State {
        case idle
        case refreshing(Task<ExpiringCredential, any Error>)
        case cached(ExpiringCredential)
    }

    private let wrapped: any CredentialProvider
    private let refreshAhead: TimeInterval
    private let now: @Sendable () -> Date
    private var state = State.idle

    /// Wraps `provider`; `now` is the wall clock in production and a manual clock in tests.
    public init(wrapping provider: any CredentialProvider, refreshAhead: Duration = .seconds(300),
                now: @escaping @Sendable () -> Date = { Date() }) {
        wrapped = provider
        let parts = refreshAhead.components
        self.refreshAhead = TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
        self.now = now
    }

    /// Cached credentials while they have more than `refreshAhead` left, else fresh ones.
    public func credential(logger: Logger) async throws -> ExpiringCredential {
        switch state {
        case .cached(let credential) where isFresh(credential):
            return credential
        case .refreshing(let task):
            return try await task.value
        case .idle, .cached:
            return try await refresh(logger: logger)
        }
    }

    private func isFresh(_ credential: ExpiringCredential) -> Bool {
        guard let expiration = credential.expiration else { return true }
        return now() < expiration.addingTimeInterval(-refreshAhead)
    }

    private func refresh(logger: Logger) async throws -> ExpiringCredential {
        let wrapped = self.wrapped
        let task = Task { try await wrapped.credential(logger: logger) }
        state = .refreshing(task)
        do {
            let credential = try await task.value
            state = .cached(credential)
            logger.debug("credentials refreshed", metadata: [
                "source": "\(credential.source)", "accessKeyId": "\(credential.credential)",
            ])
            return credential
        } catch {
            state = .idle
            throw error
        }
    }
}
