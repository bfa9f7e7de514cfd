import AWSKit
import Foundation
import Prometheus
import SnapferryConfig
import SnapferryCore
import SnapferryStore
import Synchronization

/// Every metric PRODUCT.md lists, on one Prometheus registry for the life of the process
/// (swift-prometheus renders the text format). Fed by the AWS client's call observer, by the
/// journal (operations finished, in flight) and by the status model (snapshot and refresh gauges).
public final class DaemonMetrics: AWSCallObserver, Sendable {
    public let registry = PrometheusCollectorRegistry()

    /// Operation durations run from seconds (a share) to hours (a restore with its instances).
    static let operationBuckets: [Duration] = [1, 5, 15, 60, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800].map { .seconds($0) }
    static let requestBuckets: [Duration] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
        .map { .milliseconds(Int64($0 * 1000)) }

    /// `loadedAt`: when the fleet file in use was loaded, on the daemon's clock.
    public init(version: String, loadedAt: Date = Date()) {
        registry.makeGauge(descriptor: Self.descriptor("snapferry_build_info", "The running build; always 1."), labels: [("version", version)]).set(to: 1)
        reloaded(successfully: true, at: loadedAt)
    }

    // MARK: AWS calls

    public func record(_ call: AWSCallRecord) {
        registry.makeCounter(descriptor: Self.descriptor("snapferry_aws_requests_total", "AWS request attempts by answer: ok or AWS's error code (transport, timeout without one)."), labels: [("service", call.service), ("operation", call.operation), ("code", call.code)])
            .increment()
        registry.makeDurationHistogram(descriptor: Self.descriptor("snapferry_aws_request_duration_seconds", "Wall time of one AWS request attempt."), labels: [("service", call.service), ("operation", call.operation)], buckets: Self.requestBuckets)
            .record(call.duration)
        if call.throttled {
            registry.makeCounter(descriptor: Self.descriptor("snapferry_aws_throttled_total", "AWS request attempts answered with a throttling error."), labels: [("service", call.service), ("account", call.account ?? "")])
                .increment()
        }
    }

    // MARK: operations

    public func operationFinished(kind: String, succeeded: Bool, duration: Duration) {
        registry.makeCounter(descriptor: Self.descriptor("snapferry_operations_total", "Journalled operations finished by this process, by kind and result."), labels: [("kind", kind), ("result", succeeded ? "ok" : "failed")])
            .increment()
        registry.makeDurationHistogram(descriptor: Self.descriptor("snapferry_operation_duration_seconds", "From an operation's start to its end as the journal records them."), labels: [("kind", kind)], buckets: Self.operationBuckets)
            .record(duration)
    }

    /// Sets `snapferry_operations_in_flight` for every kind seen so far (0 for those with none now).
    public func setInFlight(_ counts: [String: Int]) {
        let kinds = inFlightKinds.withLock { known -> Set<String> in
            known.formUnion(counts.keys)
            return known
        }
        for kind in kinds {
            registry.makeGauge(descriptor: Self.descriptor("snapferry_operations_in_flight", "Journalled operations started and not yet finished, by kind."), labels: [("kind", kind)])
                .set(to: Double(counts[kind] ?? 0))
        }
    }
    private let lastReload = Mutex(true)
    public var lastReloadSucceeded: Bool { lastReload.withLock { $0 } }
    private let inFlightKinds = Mutex<Set<String>>(["create", "copy", "refresh"])

    // MARK: configuration

    public func reloaded(successfully: Bool, at date: Date) {
        lastReload.withLock { $0 = successfully }
        registry.makeGauge(descriptor: Self.descriptor("snapferry_config_last_reload_successful", "1 if the fleet file last loaded (start or SIGHUP) was valid and is in use, else 0."))
            .set(to: successfully ? 1 : 0)
        if successfully {
            registry.makeGauge(descriptor: Self.descriptor("snapferry_config_last_reload_success_timestamp_seconds", "When the fleet file in use was loaded."))
                .set(to: date.timeIntervalSince1970)
        }
    }

    // MARK: state database

    /// `snapferry_state_writable` (1 or 0) and `snapferry_state_write_failures_total` from the store's view.
    public func stateWrites(_ health: StateWriteHealth.Snapshot) {
        registry.makeGauge(descriptor: Self.descriptor("snapferry_state_writable", "1 if the state database's last write went through, 0 if the file system refused it (disk full, read-only); no AWS change starts while 0."))
            .set(to: health.failing == nil ? 1 : 0)
        let counter = registry.makeCounter(descriptor: Self.descriptor("snapferry_state_write_failures_total", "Writes to the state database the file system refused since the daemon started."))
        let seen = writeFailuresCounted.withLock { seen -> Int in
            defer { seen = max(seen, health.failures) }
            return seen
        }
        if health.failures > seen { counter.increment(by: Int64(health.failures - seen)) }
    }
    private let writeFailuresCounted = Mutex(0)

    // MARK: fleet state

    /// Snapshot and refresh gauges from the state database's view, and the schedules' next fires.
    public func update(status: FleetStatus, fleet: FleetConfig, now: Date) {
        for row in status.sources {
            guard let source = fleet.source(named: row.source) else { continue }
            let labels = [("source", row.source)]
            if let slot = row.newest_slot.flatMap(parseISO) {
                gauge("snapferry_snapshot_last_success_timestamp_seconds", labels,
                      "Point in time of the source's newest snapshot that AWS confirmed.").set(to: slot.timeIntervalSince1970)
            }
            if let age = row.age_seconds {
                gauge("snapferry_snapshot_newest_age_seconds", labels, "Age of the source's newest confirmed snapshot.").set(to: Double(age))
            }
            if let allowed = ScheduleWindows.allowedAge(source.schedule, zone: source.timeZone, now: now) {
                gauge("snapferry_snapshot_max_age_seconds", labels,
                      "The newest snapshot's age the source's schedule allows: back to the fire before the latest one.").set(to: allowed)
            }
            gauge("snapferry_snapshots_managed", labels, "Snapshots of the source this fleet owns and keeps.").set(to: Double(row.snapshots_kept))
            gauge("snapferry_snapshot_shared_accounts", labels, "Accounts the newest snapshot (or its copies) is shared with.")
                .set(to: Double(row.shared_accounts.count))
            if let next = source.schedule.nextFire(after: now, in: source.timeZone) {
                gauge("snapferry_schedule_next_fire_timestamp_seconds", [("kind", "source"), ("name", row.source)],
                      "The schedule's next fire.").set(to: next.timeIntervalSince1970)
            }
        }
        for row in status.targets {
            guard let target = fleet.targets.first(where: { $0.name == row.target }) else { continue }
            let labels = [("target", row.target)]
            if let success = row.last_success.flatMap(parseISO) {
                gauge("snapferry_refresh_last_success_timestamp_seconds", labels, "When the target's last successful refresh ended.")
                    .set(to: success.timeIntervalSince1970)
            }
            if let last = row.last {
                gauge("snapferry_refresh_last_result", labels, "The target's last finished refresh: 1 ok, 0 failed (rolled back).")
                    .set(to: last.result == "ok" ? 1 : 0)
            }
            if let due = target.schedule.previousFire(atOrBefore: now, in: target.timeZone) {
                gauge("snapferry_refresh_due_slot_timestamp_seconds", labels, "The newest slot of the target's schedule that has come due.")
                    .set(to: due.timeIntervalSince1970)
            }
            if let next = target.schedule.nextFire(after: now, in: target.timeZone) {
                gauge("snapferry_schedule_next_fire_timestamp_seconds", [("kind", "target"), ("name", row.target)],
                      "The schedule's next fire.").set(to: next.timeIntervalSince1970)
            }
        }
    }

    private func gauge(_ name: String, _ labels: [(String, String)], _ help: String) -> Gauge {
        registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
    }

    static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// The Prometheus text exposition.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}

func parseISO(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }

/// Schedule arithmetic the metrics and the page share.
public enum ScheduleWindows {
    /// The oldest a source's newest snapshot (or a target's last refresh) may be: back to the fire before
    /// the latest one, so that one fire may still be in progress and a missed one shows, however
    /// irregular the schedule (`0 1,2 * * *`). A second of slack keeps a slot exactly there fresh.
    public static func allowedAge(_ schedule: CronSchedule, zone: TimeZone, now: Date) -> Double? {
        guard let latest = schedule.previousFire(atOrBefore: now, in: zone),
              let before = schedule.previousFire(atOrBefore: latest.addingTimeInterval(-1), in: zone) else { return nil }
        return now.timeIntervalSince(before) + 1
    }
}
