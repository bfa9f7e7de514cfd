import AWSSigV4
import Foundation
import Logging

/// Caches another provider's credentials and refreshes them before they expire, with
/// botocore's two windows:
/// - inside the *advisory* window (15 minutes before expiry) one caller tries a refresh while
///   the others keep using the current credentials; if it fails, the current ones are still
///   served and the next try waits `retryInterval` (an STS outage costs one AssumeRole per
///   interval, not one per caller or per request);
/// - inside the *mandatory* window (10 minutes) every caller waits for the one refresh in
///   flight, and a failure is an error.
/// Both windows shrink to a half and a quarter of a credential's lifetime when it is shorter
/// (a 15-minute session would otherwise start inside them and be re-fetched on every call).
/// The first fetch, with nothing cached, is a mandatory refresh. Credentials without an
/// expiration are kept for good, and so are credentials already expired by this host's clock
/// when fetched: the clock is off AWS's by more than a session, so it cannot tell when they end
/// (fetching on every call would not help); AWS's `ExpiredToken` does, through `expire`.
/// Callers ask once per request attempt, never mid-request.
public actor RotatingCredentialProvider: CredentialProvider {
    private struct Cached {
        var credential: ExpiringCredential
        var fetchedAt: Date
    }

    private let wrapped: any CredentialProvider
    private let advisory: TimeInterval
    private let mandatory: TimeInterval
    private let retryInterval: TimeInterval
    private let now: @Sendable () -> Date
    private var cached: Cached?
    private var inFlight: Task<ExpiringCredential, any Error>?
    private var lastAdvisoryAttempt: Date?

    /// Wraps `provider`; `now` is the wall clock in production and a manual clock in tests.
    public init(wrapping provider: any CredentialProvider, advisory: Duration = .seconds(900), mandatory: Duration = .seconds(600),
                retryInterval: Duration = .seconds(60), now: @escaping @Sendable () -> Date = { Date() }) {
        wrapped = provider
        self.advisory = Self.seconds(advisory)
        self.mandatory = Self.seconds(mandatory)
        self.retryInterval = Self.seconds(retryInterval)
        self.now = now
    }

    /// Wraps `provider` with `refreshAhead` as the mandatory window and 5 minutes more as the advisory one.
    public init(wrapping provider: any CredentialProvider, refreshAhead: Duration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(wrapping: provider, advisory: refreshAhead + .seconds(300), mandatory: refreshAhead, now: now)
    }

    public func credential(logger: Logger) async throws -> ExpiringCredential {
        guard let current = cached else { return try await refresh(logger: logger) }
        guard let expiration = current.credential.expiration else { return current.credential }
        let lifetime = expiration.timeIntervalSince(current.fetchedAt)
        guard lifetime > 0 else { return current.credential }
        let left = expiration.timeIntervalSince(now())
        if left > min(advisory, lifetime / 2) { return current.credential }
        if left <= min(mandatory, lifetime / 4) { return try await refresh(logger: logger) }
        // Advisory: one caller refreshes at a time and at most once per retry interval; a failure keeps the current credentials.
        if inFlight != nil { return current.credential }
        if let last = lastAdvisoryAttempt, now().timeIntervalSince(last) < retryInterval { return current.credential }
        lastAdvisoryAttempt = now()
        do {
            return try await refresh(logger: logger)
        } catch {
            logger.warning("credential refresh failed; the current credentials stay in use until the mandatory window",
                           metadata: ["source": "\(current.credential.source)", "expires": "\(expiration)", "error": "\(error)"])
            return current.credential
        }
    }

    /// Forgets the cached credentials if they are the ones AWS called expired (a refresh since then is kept).
    public func expire(_ credential: AWSCredential) async {
        guard let current = cached, current.credential.credential.accessKeyId == credential.accessKeyId else { return }
        cached = nil
        lastAdvisoryAttempt = nil
    }

    /// Joins the refresh in flight or starts one; the answer is cached, a failure is not.
    private func refresh(logger: Logger) async throws -> ExpiringCredential {
        if let inFlight { return try await inFlight.value }
        let wrapped = self.wrapped
        // Unstructured, so that a caller's cancellation does not fail the others joined to it; `immediate`
        // starts it on this thread, with no hand-over to another before the request leaves.
        let task = Task.immediate { try await wrapped.credential(logger: logger) }
        inFlight = task
        defer { inFlight = nil }
        let credential = try await task.value
        let fetchedAt = now()
        cached = Cached(credential: credential, fetchedAt: fetchedAt)
        if let expiration = credential.expiration, expiration <= fetchedAt {
            logger.warning("credentials are already expired by this host's clock: it is off AWS's (check NTP); they stay in use until AWS calls them expired",
                           metadata: ["source": "\(credential.source)", "expires": "\(expiration)", "hostClock": "\(fetchedAt)"])
        }
        logger.debug("credentials refreshed", metadata: ["source": "\(credential.source)", "accessKeyId": "\(credential.credential)"])
        return credential
    }

    private static func seconds(_ d: Duration) -> TimeInterval {
        TimeInterval(d.components.seconds) + TimeInterval(d.components.attoseconds) / 1e18
    }
}
