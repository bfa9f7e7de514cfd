import SnapferryCore

/// Helpers for the clock and semaphore tests: bounded polling (no wall-clock
/// waits) and an ordered log that tasks append to.
enum ConcurrencyTestSupport {
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
actor ConcurrencyTestLog {
    private(set) var entries: [String] = []

    func append(_ entry: String) {
        entries.append(entry)
    }

    var count: Int { entries.count }
}
