/// A token bucket on an injected clock: refills at `rate` tokens per second up
/// to `capacity`, and each request takes one token.
///
/// Waiters are served strictly first come, first served: a later `acquire()`
/// never overtakes an earlier one, and `tryAcquire()` fails while anyone is
/// queued. The oldest waiter sleeps on the clock until its token is due; the
/// others are parked until they reach the head of the queue. A cancelled waiter
/// leaves the queue and throws `CancellationError`.
public actor TokenBucket {
    /// Tokens added per second.
    public private(set) var rate: Double
    /// Most tokens the bucket holds.
    public private(set) var capacity: Double

    private var tokens: Double
    private var lastRefill: Duration
    private let clock: ClockSource
    /// Queued acquirers in arrival order; the head is the one allowed to take
    /// the next token.
    private var queue: [UInt64] = []
    /// Continuations of queued acquirers that are not at the head.
    private var parked: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    private var nextID: UInt64 = 0
    private var appliedVersion: UInt64?

    /// Rounding slack: refills are computed in floating point, so a token that
    /// is due "now" may show up as 0.999999999.
    private static let epsilon = 1e-9

    /// Creates a full bucket for `limit`, timed by `clock`.
    public init<C: Clock>(limit: RateLimit, clock: C) where C.Duration == Duration {
        self.init(rate: limit.requestsPerSecond, capacity: Double(limit.burst), initialTokens: Double(limit.burst),
                  clock: ClockSource(clock))
    }

    init(rate: Double, capacity: Double, initialTokens: Double, clock: ClockSource) {
        self.rate = rate
        self.capacity = capacity
        self.clock = clock
        tokens = min(initialTokens, capacity)
        lastRefill = clock.elapsed()
    }

    /// Tokens available right now (after refilling up to the current time).
    public var availableTokens: Double {
        refill()
        return tokens
    }

    /// Tasks currently queued in `acquire()`.
    public var waiterCount: Int { queue.count }

    /// Takes a token if one is free and nobody is queued ahead; never waits.
    public func tryAcquire() -> Bool {
        guard queue.isEmpty else { return false }
        return takeToken()
    }

    /// Takes a token, waiting in FIFO order until one is due.
    /// Throws `CancellationError` if the task is or becomes cancelled first.
    public func acquire() async throws {
        try Task.checkCancellation()
        if queue.isEmpty, takeToken() { return }
        let id = nextID
        nextID &+= 1
        queue.append(id)
        do {
            while true {
                if queue.first != id {
                    try await park(id)
                    continue
                }
                if takeToken() {
                    queue.removeFirst()
                    wakeHead()
                    return
                }
                let missing = max(0, 1 - tokens)
                // Round the wait up to whole nanoseconds so the head never wakes
                // a hair before its token is due.
                let nanoseconds = (missing / rate * 1e9).rounded(.up)
                try await clock.sleep(.nanoseconds(Int64(min(nanoseconds, 1e18))))
            }
        } catch {
            leave(id)
            throw error
        }
    }

    /// Changes the refill rate and capacity (adaptive mode does this after
    /// throttling). Tokens earned so far are credited at the old rate first, and
    /// the bucket is trimmed to the new capacity. Non-positive values are ignored.
    public func reconfigure(rate newRate: Double, capacity newCapacity: Double) {
        reconfigure(rate: newRate, capacity: newCapacity, version: nil)
    }

    /// As `reconfigure(rate:capacity:)`, but ignores a change older than one
    /// already applied: callers on another actor may arrive out of order.
    func reconfigure(rate newRate: Double, capacity newCapacity: Double, version: UInt64?) {
        if let version {
            if let appliedVersion, version <= appliedVersion { return }
            appliedVersion = version
        }
        guard newRate.isFinite, newRate > 0, newCapacity.isFinite, newCapacity > 0 else { return }
        refill()
        rate = newRate
        capacity = newCapacity
        tokens = min(tokens, capacity)
    }

    private func refill() {
        let now = clock.elapsed()
        let earned = ClockSource.seconds(now - lastRefill) * rate
        if earned > 0 { tokens = min(capacity, tokens + earned) }
        lastRefill = now
    }

    private func takeToken() -> Bool {
        refill()
        guard tokens >= 1 - Self.epsilon else { return false }
        tokens = max(0, tokens - 1)
        return true
    }

    private func park(_ id: UInt64) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Runs on the actor before suspending: no state change can slip
                // in between the checks and the parking.
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else if queue.first == id {
                    continuation.resume()
                } else {
                    parked[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancelParked(id) }
        }
    }

    private func cancelParked(_ id: UInt64) {
        parked.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }

    /// Removes a waiter that gave up; if it was the head, the next one takes over.
    private func leave(_ id: UInt64) {
        parked.removeValue(forKey: id)?.resume(throwing: CancellationError())
        guard let index = queue.firstIndex(of: id) else { return }
        queue.remove(at: index)
        if index == 0 { wakeHead() }
    }

    private func wakeHead() {
        guard let head = queue.first else { return }
        parked.removeValue(forKey: head)?.resume()
    }
}
