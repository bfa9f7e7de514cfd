import Foundation
import Logging
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore

extension FleetScheduler {
    /// SIGHUP: re-reads the fleet file and swaps it in only if it is valid and keeps the state file;
    /// otherwise logs every located error and keeps the running one. Runs in flight keep their generation.
    func reload() async {
        notifier.notify("RELOADING=1\nMONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())\nSTATUS=reloading \(configPath)")
        switch FleetLoader.load(path: configPath) {
        case .failure(let errors):
            for d in errors.diagnostics {
                logger.error("fleet file invalid; keeping the one in use", metadata: ["location": "\(d.file):\(d.line):\(d.column)",
                                                                                       "field": "\(d.path)", "error": "\(d.message)"])
            }
            metrics.reloaded(successfully: false, at: time.now())
        case .success(let new):
            let newState = new.resolvedStatePath(environment: environment)
            if newState != statePath {
                logger.error("fleet file moves the state database; keeping the one in use (restart the daemon to move it)",
                             metadata: ["state": "\(statePath)", "new_state": "\(newState)"])
                metrics.reloaded(successfully: false, at: time.now())
                break
            }
            do {
                generation = try rebuild(new)
                metrics.reloaded(successfully: true, at: time.now())
                if new.metrics != config.metrics {
                    logger.warning("metrics.listen changed; it takes effect at the next restart")
                }
                logger.info("fleet file reloaded", metadata: ["sources": "\(new.sources.count)", "targets": "\(new.targets.count)"])
            } catch {
                logger.error("fleet file reload failed; keeping the one in use", metadata: ["error": "\(error)"])
                metrics.reloaded(successfully: false, at: time.now())
            }
        }
        lastStatus = ""
        notifier.notify("READY=1\nSTATUS=\(statusLine(now: time.now()))")
    }

    /// Cancels every run (the engines finish the AWS calls they are in and journal where they stand)
    /// and waits for them up to `stopGrace`.
    func stop() async {
        stopping = true
        let runs = Array(Set((rotations.values.map { $0.id } + refreshes.values.map { $0.id })))
        let tasks = (Array(rotations.values) + Array(refreshes.values)).reduce(into: [Int: Task<Void, Never>]()) { $0[$1.id] = $1.task }
        logger.notice("stopping", metadata: ["runs": "\(runs.count)"])
        for task in tasks.values { task.cancel() }
        let grace = stopGrace
        let allDone = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for task in tasks.values { await task.value }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: grace)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        let open = (try? await store.operations(states: [.running, .waiting], source: nil, limit: 100)) ?? []
        let what = open.isEmpty ? "nothing in flight" : "in flight: " + open.map { "\($0.kind) \($0.subject)" }.joined(separator: ", ")
        logger.notice("stopped; the next start resumes from the journal",
                      metadata: ["runs_finished": "\(allDone)", "journal": "\(what)"])
        try? await store.appendAudit(AuditEntry(at: time.now(), action: "run", subject: "daemon", account: "", region: "",
                                                detail: "interrupted (daemon stopped)" + (open.isEmpty ? "" : "; \(what)")))
    }

    /// `WATCHDOG=1` at half of `WATCHDOG_USEC`, from the scheduling loop only: a stuck loop stops the pings.
    func pingWatchdog() {
        guard let timeout = notifier.watchdogTimeout else { return }
        let now = ContinuousClock.now
        if let last = lastWatchdog, now - last < timeout / 2 { return }
        lastWatchdog = now
        notifier.notify("WATCHDOG=1")
    }

    /// Counts operations the journal shows finished since the daemon started, and those in flight.
    func watchJournal() async {
        guard let recent = try? await store.operations(states: [.succeeded, .failed], source: nil, limit: 500),
              let open = try? await store.operations(states: [.running, .waiting], source: nil, limit: 100_000) else { return }
        var window: Set<String> = []
        for op in recent where op.updatedAt >= started {
            window.insert(op.id)
            if counted.contains(op.id) { continue }
            let seconds = max(0, op.updatedAt.timeIntervalSince(op.createdAt))
            metrics.operationFinished(kind: op.kind, succeeded: op.state == .succeeded, duration: .milliseconds(Int64(seconds * 1000)))
        }
        // Ordered by last update: an operation that left the window does not come back.
        counted = window
        inFlight = open.reduce(into: [:]) { $0[$1.kind, default: 0] += 1 }
        metrics.setInFlight(inFlight)
    }

    /// Whether the state database takes writes: after a refusal, probes it once per look; logs each change,
    /// and keeps `snapferry_state_writable` and the status line current.
    func stateWritable() async -> Bool {
        guard let health = store.writeHealth else { return true }
        if health.snapshot.failing != nil { await store.probeWrite() }
        let now = health.snapshot
        metrics.stateWrites(now)
        if now.failing != stateRefusal {
            if let reason = now.failing {
                logger.error("state database refuses writes; starting no AWS change until it takes them again",
                             metadata: ["path": "\(statePath)", "reason": "\(reason)", "refused_writes": "\(now.failures)"])
            } else {
                logger.notice("state database takes writes again; due work starts", metadata: ["path": "\(statePath)"])
            }
            stateRefusal = now.failing
        }
        return now.failing == nil
    }

    /// A run that ended while writes were refused stopped short of its work: its slot becomes due again.
    func forgetSlotsIfRefused(_ keys: [String]) {
        guard store.writeHealth?.snapshot.failing != nil else { return }
        for key in keys { handled[key] = nil }
    }

    /// The last `STATUS=` line.
    public var statusLine: String { lastStatus }

    /// `STATUS=`, sent when it changes: `3 copies, 2 refreshes running; next: orders 02:00 Europe/Berlin`.
    func updateStatus(now: Date) {
        let line = statusLine(now: now)
        guard line != lastStatus else { return }
        lastStatus = line
        notifier.notify("STATUS=\(line)")
    }

    func statusLine(now: Date) -> String {
        let running = inFlight.sorted { $0.key < $1.key }.filter { $0.value > 0 }
            .map { "\($0.value) \(Self.plural($0.key, $0.value))" }
        var head = running.isEmpty ? "idle" : running.joined(separator: ", ") + " running"
        if let refusal = stateRefusal { head = "state database not writable (\(refusal)); \(head)" }
        guard let next = nextFires(after: now).min(by: { $0.value < $1.value }) else { return head }
        let name = next.key.split(separator: ":", maxSplits: 1).last.map(String.init) ?? next.key
        let zone = zoneOf(next.key)
        let f = DateFormatter()
        f.timeZone = zone
        f.dateFormat = Calendar.current.isDate(next.value, equalTo: now, toGranularity: .day) ? "HH:mm" : "yyyy-MM-dd HH:mm"
        return "\(head); next: \(name) \(f.string(from: next.value)) \(StatusPage.zoneName(zone))"
    }

    /// Next fire of every source (`source:NAME`) and target (`target:NAME`).
    public func nextFires(after now: Date) -> [String: Date] {
        var fires: [String: Date] = [:]
        for s in config.sources { fires["source:\(s.name)"] = s.schedule.nextFire(after: now, in: s.timeZone) }
        for t in config.targets { fires["target:\(t.name)"] = t.schedule.nextFire(after: now, in: t.timeZone) }
        return fires
    }

    func zoneOf(_ key: String) -> TimeZone {
        let name = String(key.split(separator: ":", maxSplits: 1).last ?? "")
        if key.hasPrefix("source:") { return config.source(named: name)?.timeZone ?? .gmt }
        return config.targets.first { $0.name == name }?.timeZone ?? .gmt
    }

    static func plural(_ kind: String, _ n: Int) -> String {
        let noun = kind == "create" ? "snapshot" : kind
        guard n != 1 else { return noun }
        return noun.hasSuffix("y") ? String(noun.dropLast()) + "ies" : noun.hasSuffix("sh") ? noun + "es" : noun + "s"
    }

    /// The gauges that come from the state database, and the status model for `/status` and the page.
    public func readStatus() async throws -> FleetStatus {
        await watchJournal()
        let now = time.now()
        let status = try await FleetStatus.read(fleet: config, store: store, now: now)
        metrics.update(status: status, fleet: config, now: now)
        return status
    }

    public var now: Date { time.now() }
}

/// The audit log's "run" entries that `status` shows as the last run.
enum RunAudit {
    static let refreshSubject = FleetStatus.refreshRunSubject

    static func record(_ outcomes: [SourceOutcome], store: any StateStore, at date: Date, interrupted: Bool, logger: Logger) async {
        do {
            for o in outcomes {
                for id in o.unrecorded {
                    try await store.appendAudit(AuditEntry(at: date, action: "unrecorded", subject: id, account: "", region: "", detail: o.source))
                }
                for w in o.warnings {
                    try await store.appendAudit(AuditEntry(at: date, action: "warning", subject: w, account: "", region: "", detail: o.source))
                }
            }
            let failed = outcomes.filter { !$0.succeeded && !$0.interrupted }.map(\.source)
            let detail = interrupted || outcomes.contains { $0.interrupted } ? "interrupted (daemon stopped)"
                : failed.isEmpty ? "ok" : "failed: \(failed.joined(separator: ", "))"
            try await store.appendAudit(AuditEntry(at: date, action: "run", subject: "daemon", account: "", region: "", detail: detail))
        } catch {
            logger.error("cannot write the audit log", metadata: ["error": "\(error)"])
        }
    }

    /// A refresh run's end: its own "run" entry (subject `refresh`), so `status` and the page do not
    /// call the last run ok when a refresh failed.
    static func record(_ results: [RefreshResult], store: any StateStore, at date: Date, interrupted: Bool, logger: Logger) async {
        let failed = results.filter { if case .refused = $0.outcome { true } else if case .failed = $0.outcome { true } else { false } }
            .map(\.target)
        let unfinished = results.contains { if case .unfinished = $0.outcome { true } else { false } }
        let detail = interrupted && unfinished ? "interrupted (daemon stopped)"
            : failed.isEmpty ? "ok" : "failed: \(failed.map { "\($0) (refresh)" }.joined(separator: ", "))"
        do {
            try await store.appendAudit(AuditEntry(at: date, action: "run", subject: RunAudit.refreshSubject, account: "", region: "",
                                                   detail: detail))
        } catch {
            logger.error("cannot write the audit log", metadata: ["error": "\(error)"])
        }
    }
}
