import AWSKit

/// Helpers shared by the retry and rate-limit tests: bounded polling (no
/// wall-clock waits), an ordered log, and a classifiable test error.
enum RetryTestSupport {
    /// Yields until `condition` holds, at most `maxYields` times; returns whether it held.
    static func yieldUntil(maxYields: Int = 100_000, _ condition: () async -> Bool) async -> Bool {
        for _ in 0..<maxYields {
            if await condition() { return true }
            await Task.yield()
        }
        return await condition()
    }
}

/// An append-only log shared by test tasks.
actor RetryTestLog<Entry: Sendable> {
    private(set) var entries: [Entry] = []

    func append(_ entry: Entry) {
        entries.append(entry)
    }

    var count: Int { entries.count }
}

/// A failure with a chosen retry class, tagged with the attempt that threw it.
struct ClassifiedTestError: RetryClassifiable, Equatable {
    var retryClass: RetryClass
    var retryAfter: Duration?
    var attempt: Int

    init(_ retryClass: RetryClass, attempt: Int, retryAfter: Duration? = nil) {
        self.retryClass = retryClass
        self.retryAfter = retryAfter
        self.attempt = attempt
    }
}
