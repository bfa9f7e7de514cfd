import Foundation
import SnapferryConfig
import SnapferryCore

/// The daemon's HTML page: the fleet at a glance, sources × target accounts. Plain HTML with inline CSS,
/// no script; every colour is backed by text, and every text from data is escaped.
public enum StatusPage {
    public struct Input: Sendable {
        public var status: FleetStatus
        public var fleet: FleetConfig
        public var now: Date
        /// The scheduler's next fire per job, keyed `source:<name>` and `target:<name>`.
        public var nextFires: [String: Date]
        public var ready: Bool
        /// False when the last reload of the fleet file failed and the daemon runs on the previous one.
        public var configReloadOK: Bool
        public var version: String

        public init(status: FleetStatus, fleet: FleetConfig, now: Date, nextFires: [String: Date], ready: Bool,
                    configReloadOK: Bool, version: String) {
            self.status = status
            self.fleet = fleet
            self.now = now
            self.nextFires = nextFires
            self.ready = ready
            self.configReloadOK = configReloadOK
            self.version = version
        }
    }

    public static func render(_ input: Input) -> String {
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="refresh" content="60">
        <title>snapferry · \(escape(input.fleet.fleet))</title>
        <style>\(css)</style>
        </head>
        <body>

        """
        html += header(input)
        html += matrix(input)
        html += targetList(input)
        html += "</body>\n</html>\n"
        return html
    }

    // MARK: - Judgement

    /// A cell's colour; the text beside it always says the same.
    enum Tone: String {
        case green, amber, red, grey
    }

    /// Whether `age` seconds is recent enough for `schedule` (`ScheduleWindows.allowedAge`, as the alert
    /// judges it). Nil when the schedule has not fired twice within the search horizon.
    static func isFresh(ageSeconds age: Int, schedule: CronSchedule, timeZone: TimeZone, now: Date) -> Bool? {
        ScheduleWindows.allowedAge(schedule, zone: timeZone, now: now).map { TimeInterval(age) <= $0 }
    }

    /// What a target's cell says: its result word, whether that is stale, and the colour.
    struct TargetState {
        /// ok, failed, running, rolling-back or never.
        var result: String
        /// fresh, stale or unknown (nothing finished ok).
        var freshness: String
        var tone: Tone
        /// The words in the cell.
        var text: String
    }

    static func state(of row: FleetStatus.TargetRow?, target: Target, now: Date) -> TargetState {
        let last = row?.last
        var freshness = "unknown"
        if let last, last.result == "ok", let at = parseISO(last.slot ?? last.started) {
            let fresh = isFresh(ageSeconds: Int(now.timeIntervalSince(at)), schedule: target.schedule,
                                timeZone: target.timeZone, now: now)
            freshness = fresh.map { $0 ? "fresh" : "stale" } ?? "unknown"
        }
        if let running = row?.in_flight.first {
            let words = running.result == "rolling-back" ? "rolling back" : running.result
            return TargetState(result: running.result, freshness: freshness, tone: .amber, text: words)
        }
        guard let last else { return TargetState(result: "never", freshness: freshness, tone: .grey, text: "never run") }
        switch last.result {
        case "ok" where freshness == "stale":
            return TargetState(result: "ok", freshness: freshness, tone: .amber, text: "ok, stale")
        case "ok":
            return TargetState(result: "ok", freshness: freshness, tone: .green, text: "ok")
        default:
            return TargetState(result: last.result, freshness: freshness, tone: .red, text: last.result)
        }
    }

    // MARK: - Sections

    static func header(_ input: Input) -> String {
        var out = "<header>\n<h1>snapferry · \(escape(input.fleet.fleet))</h1>\n"
        out += "<p class=\"meta\">version \(escape(input.version)) · now <time datetime=\"\(isoUTC(input.now))\">"
        out += "\(isoUTC(input.now))</time>"
        if let run = input.status.sources.lazy.compactMap(\.last_run).first {
            out += " · last run \(escape(run.at)): \(escape(run.result))"
        }
        out += "</p>\n"
        if input.ready {
            out += "<p class=\"banner green\" id=\"ready\" data-ready=\"true\">Ready</p>\n"
        } else {
            out += "<p class=\"banner amber\" id=\"ready\" data-ready=\"false\">Not ready: the daemon is starting or its state is unavailable</p>\n"
        }
        if !input.configReloadOK {
            out += "<p class=\"banner red\" id=\"config-reload\" data-config-reload=\"failed\">Config reload failed: "
            out += "running on the previous fleet file; run <code>snapferry validate</code> and fix it</p>\n"
        }
        return out + "</header>\n"
    }

    /// Target accounts in file order, each once.
    static func targetAccounts(_ fleet: FleetConfig) -> [String] {
        var seen = Set<String>()
        return fleet.targets.map(\.account).filter { seen.insert($0).inserted }
    }

    static func matrix(_ input: Input) -> String {
        let fleet = input.fleet
        let accounts = targetAccounts(fleet)
        var out = "<section>\n<h2>Sources × target accounts</h2>\n<table class=\"matrix\">\n<thead><tr>"
        out += "<th>Source</th><th>Newest snapshot</th><th>Age</th><th>Shared with</th><th>Next snapshot</th>"
        for account in accounts {
            let id = fleet.account(named: account)?.id ?? ""
            out += "<th data-account=\"\(escape(account))\">\(escape(account))<br><small>\(escape(id))</small></th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for source in fleet.sources {
            out += sourceRow(source, input: input, accounts: accounts)
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    static func sourceRow(_ source: Source, input: Input, accounts: [String]) -> String {
        let row = input.status.sources.first { $0.source == source.name }
        let fresh = row?.age_seconds.flatMap {
            isFresh(ageSeconds: $0, schedule: source.schedule, timeZone: source.timeZone, now: input.now)
        }
        let freshness = row?.age_seconds == nil ? "never" : fresh.map { $0 ? "fresh" : "stale" } ?? "unknown"
        let tone: Tone = switch freshness {
        case "fresh": .green
        case "stale": .amber
        default: .grey
        }
        var out = "<tr id=\"source-\(escape(source.name))\" data-source=\"\(escape(source.name))\" data-fresh=\"\(freshness)\""
        if let age = row?.age_seconds { out += " data-age-seconds=\"\(age)\"" }
        out += ">\n<th scope=\"row\">\(escape(source.name))<br><small>\(escape(source.account)) · \(escape(source.region))</small>"
        if let errors = row?.last_errors, !errors.isEmpty {
            out += "<ul class=\"errors\">" + errors.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
        }
        out += "</th>\n"
        if let snapshot = row?.newest_snapshot {
            out += "<td class=\"snapshot\">\(escape(snapshot))"
            if let slot = row?.newest_slot { out += "<br><small>slot \(escape(slot))</small>" }
            out += "</td>"
        } else {
            out += "<td class=\"snapshot\">none yet</td>"
        }
        let ageText = row?.age_seconds.map { "\(duration($0)) (\(freshness))" } ?? "—"
        out += "<td class=\"age \(tone.rawValue)\">\(escape(ageText))</td>"
        let shared = row?.shared_accounts ?? []
        out += "<td class=\"shared\" data-shared-count=\"\(shared.count)\" title=\"\(escape(shared.joined(separator: ", ")))\">"
        out += "\(shared.count) of \(source.shareWith.count)</td>"
        out += "<td class=\"next\">\(nextFire(input.nextFires["source:\(source.name)"], in: source.timeZone))</td>\n"
        for account in accounts {
            let targets = input.fleet.targets.filter { $0.source == source.name && $0.account == account }
            guard !targets.isEmpty else {
                out += "<td class=\"empty\" title=\"no target of this source in this account\">–</td>\n"
                continue
            }
            out += "<td class=\"cells\">"
            for target in targets {
                let state = state(of: input.status.targets.first { $0.target == target.name }, target: target, now: input.now)
                out += "<div class=\"cell \(state.tone.rawValue)\" id=\"cell-\(escape(target.name))\" data-target=\"\(escape(target.name))\""
                out += " data-result=\"\(escape(state.result))\" data-fresh=\"\(state.freshness)\" data-tone=\"\(state.tone.rawValue)\">"
                out += "<b>\(escape(target.name))</b><br>\(escape(state.text))</div>"
            }
            out += "</td>\n"
        }
        return out + "</tr>\n"
    }

    static func targetList(_ input: Input) -> String {
        var out = "<section>\n<h2>Targets</h2>\n<table class=\"targets\">\n<thead><tr>"
        out += "<th>Target</th><th>Source</th><th>Account</th><th>Cluster</th><th>Last result</th><th>Slot</th>"
        out += "<th>Finished</th><th>Error</th><th>Next refresh</th></tr></thead>\n<tbody>\n"
        for target in input.fleet.targets {
            let row = input.status.targets.first { $0.target == target.name }
            let state = state(of: row, target: target, now: input.now)
            let shown = row?.in_flight.first ?? row?.last
            out += "<tr id=\"target-\(escape(target.name))\" data-target=\"\(escape(target.name))\" data-result=\"\(escape(state.result))\">"
            out += "<th scope=\"row\">\(escape(target.name))</th><td>\(escape(target.source))</td>"
            out += "<td>\(escape(target.account))</td><td>\(escape(target.cluster))</td>"
            out += "<td class=\"\(state.tone.rawValue)\">\(escape(state.text))</td>"
            out += "<td class=\"slot\">\(escape(shown?.slot ?? "—"))</td>"
            let finished = shown.map { row?.in_flight.isEmpty == false ? "updated \($0.updated)" : $0.updated } ?? "—"
            out += "<td>\(escape(finished))</td>"
            out += "<td class=\"error\">\(escape(shown?.error ?? ""))</td>"
            out += "<td class=\"next\">\(nextFire(input.nextFires["target:\(target.name)"], in: target.timeZone))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    // MARK: - Text

    /// `<`, `>`, `&`, `"` and `'` as entities: safe in text and in quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// `2d 3h`, `4h 05m`, `12m`, `40s`.
    static func duration(_ seconds: Int) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s)s" }
        if s < 3_600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3_600)h \(pad2(s % 3_600 / 60))m" }
        return "\(s / 86_400)d \(s % 86_400 / 3_600)h"
    }

    /// `<time>` with the local wall time and zone name, or `not scheduled`.
    static func nextFire(_ date: Date?, in zone: TimeZone) -> String {
        guard let date else { return "not scheduled" }
        return "<time datetime=\"\(isoUTC(date))\">\(escape(localTime(date, in: zone)))</time>"
    }

    /// The zone's identifier; UTC stays `UTC` (Foundation on Linux names it `GMT`).
    static func zoneName(_ zone: TimeZone) -> String { zone.identifier == "GMT" ? "UTC" : zone.identifier }

    /// `2026-12-02 02:00 Europe/Berlin`; UTC stays `UTC` (Foundation on Linux names it `GMT`).
    static func localTime(_ date: Date, in zone: TimeZone) -> String {
        let name = zoneName(zone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return "\(c.year ?? 0)-\(pad2(c.month ?? 0))-\(pad2(c.day ?? 0)) \(pad2(c.hour ?? 0)):\(pad2(c.minute ?? 0)) \(name)"
    }

    static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func isoUTC(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    static func parseISO(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle(timeZone: .gmt).parse(text)
    }

    static let css = """
    body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1f2328;background:#fff}
    h1{font-size:1.4em;margin:0}h2{font-size:1.1em;margin:1.5em 0 .5em}
    .meta{color:#57606a;margin:.25em 0}small{color:#57606a}
    table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:.35em .6em;text-align:left;vertical-align:top}
    thead th{background:#f6f8fa}
    .banner{padding:.4em .8em;border-radius:4px;font-weight:600;display:inline-block;margin:.4em .4em 0 0}
    .cell{padding:.3em .5em;border-radius:4px;margin:.15em 0;border-left:4px solid}
    .green{background:#dafbe1}.amber{background:#fff8c5}.red{background:#ffebe9}.grey{background:#eaeef2}
    .cell.green{border-color:#1a7f37}.cell.amber{border-color:#9a6700}.cell.red{border-color:#cf222e}.cell.grey{border-color:#6e7781}
    td.empty{color:#8c959f;text-align:center}
    .errors{margin:.3em 0 0;padding-left:1.2em;color:#cf222e;font-weight:normal;font-size:.9em}
    td.error{color:#cf222e;max-width:40em;word-break:break-word}
    code{font-family:ui-monospace,monospace}
    """
}
