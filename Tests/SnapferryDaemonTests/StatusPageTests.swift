import Foundation
import SnapferryConfig
import SnapferryCore
import Testing

@testable import SnapferryDaemon

/// The HTML status page of a small fleet, read back through the ids and data attributes it promises.
@Suite struct StatusPageTests {
    static let yaml = """
    version: 1
    fleet: acme
    defaults: { region: eu-west-1 }
    accounts:
      prod: { id: "100000000001" }
      qa: { id: "200000000002" }
      dev: { id: "200000000001" }
    sources:
      - { name: orders, account: prod, cluster: orders-prod, schedule: "0 1 * * *", retention: { keep_last: 3 }, share_with: [qa, dev] }
      - { name: billing, account: prod, cluster: billing-prod, schedule: "0 2 * * *", timezone: Europe/Berlin,
          retention: { keep_last: 3 }, share_with: [dev] }
    targets:
      - { name: orders-qa, source: orders, account: qa, schedule: "30 3 * * *", cluster: orders-qa,
          instances: [{ class: db.r6g.large }], subnet_group: qa-db, security_groups: [sg-0123456789abcdef0] }
      - { name: orders-dev, source: orders, account: dev, schedule: "30 3 * * *", cluster: orders-dev,
          instances: [{ class: db.r6g.large }], subnet_group: dev-db, security_groups: [sg-0123456789abcdef0] }
      - { name: billing-dev, source: billing, account: dev, schedule: "0 4 * * 1-5", timezone: Europe/Berlin, cluster: billing-dev,
          instances: [{ class: db.r6g.large }], subnet_group: dev-db, security_groups: [sg-0123456789abcdef0] }

    """
    /// 2026-12-02T05:00:00Z, a Wednesday.
    static let now = Date(timeIntervalSince1970: 1_796_187_600)
    static let error = #"restore failed: <script>alert("x")</script> & 'quotes'"#

    static func refresh(_ result: String, error: String? = nil) -> FleetStatus.TargetRow.Refresh {
        .init(slot: "2026-12-02T03:30:00Z", result: result, snapshot: "snapferry-orders-20261202-0100",
              started: "2026-12-02T03:30:05Z", updated: "2026-12-02T04:10:00Z", seconds: 2_395, error: error)
    }

    static func sourceRow(_ name: String, snapshot: String?, slot: String?, age: Int?, shared: [String],
                          errors: [String] = []) -> FleetStatus.SourceRow {
        .init(source: name, newest_snapshot: snapshot, newest_slot: slot, age_seconds: age, shareable_copies: [], unconfirmed: [],
              shared_accounts: shared, snapshots_kept: 3, unrecorded: [], warnings: [], last_errors: errors,
              last_run: .init(at: "2026-12-02T04:10:00Z", result: "ok", interrupted: false))
    }

    static func status(ordersDevInFlight: Bool = false) -> FleetStatus {
        FleetStatus(
            sources: [
                sourceRow("orders", snapshot: "snapferry-orders-20261202-0100", slot: "2026-12-02T01:00:00Z", age: 14_400,
                          shared: ["200000000001", "200000000002"]),
                // 2026-11-28T01:00:00Z: four days and four hours old against a daily schedule.
                sourceRow("billing", snapshot: "snapferry-billing-20261128-0200", slot: "2026-11-28T01:00:00Z", age: 360_000,
                          shared: ["200000000001"], errors: ["2026-12-01T01:00:10Z snapshot billing-prod: <quota> & \"limits\""]),
            ],
            targets: [
                .init(target: "orders-qa", cluster: "orders-qa", account: "200000000002", source: "orders",
                      last: refresh("failed", error: error), in_flight: []),
                .init(target: "orders-dev", cluster: "orders-dev", account: "200000000001", source: "orders",
                      last: refresh("ok"), in_flight: ordersDevInFlight ? [refresh("running")] : []),
                .init(target: "billing-dev", cluster: "billing-dev", account: "200000000001", source: "billing",
                      last: nil, in_flight: []),
            ])
    }

    static let nextFires: [String: Date] = [
        "source:orders": Date(timeIntervalSince1970: 1_796_259_600),  // 2026-12-03T01:00:00Z
        "source:billing": Date(timeIntervalSince1970: 1_796_259_600),  // 02:00 in Berlin
        "target:orders-qa": Date(timeIntervalSince1970: 1_796_268_600),  // 2026-12-03T03:30:00Z
        "target:billing-dev": Date(timeIntervalSince1970: 1_796_266_800),  // 2026-12-03T03:00:00Z, 04:00 in Berlin
    ]

    static func page(ready: Bool = true, reloadOK: Bool = true, version: String = "1.4.0",
                     status: FleetStatus = status()) throws -> String {
        let fleet = try FleetLoader.load(yaml: yaml, file: "fleet.yaml").get()
        return StatusPage.render(.init(status: status, fleet: fleet, now: now, nextFires: nextFires, ready: ready,
                                       configReloadOK: reloadOK, version: version))
    }

    /// An element found by its `id`: its attributes and its text with tags removed and entities kept.
    struct Element {
        var attributes: [String: String]
        var text: String
        var inner: String
    }

    /// The element with `id` in `html`, up to the first closing tag of its name (the page nests no element in one
    /// of its own kind).
    static func element(_ id: String, in html: String) throws -> Element {
        let idRange = try #require(html.range(of: "id=\"\(id)\""), "no element with id \(id)")
        let open = try #require(html[..<idRange.lowerBound].range(of: "<", options: .backwards))
        let openEnd = try #require(html[idRange.upperBound...].range(of: ">"))
        let tag = String(html[open.upperBound...].prefix { $0.isLetter || $0.isNumber })
        let close = try #require(html[openEnd.upperBound...].range(of: "</\(tag)>"))
        let openTag = String(html[open.lowerBound..<openEnd.upperBound])
        var attributes: [String: String] = [:]
        for match in openTag.matches(of: /([a-z-]+)="([^"]*)"/) { attributes[String(match.1)] = String(match.2) }
        let inner = String(html[openEnd.upperBound..<close.lowerBound])
        let text = inner.replacing(/<br>/, with: " ").replacing(/<[^>]*>/, with: "")
        return Element(attributes: attributes, text: text, inner: inner)
    }

    @Test func cellsCarryResultToneAndText() throws {
        let html = try Self.page()
        let failed = try Self.element("cell-orders-qa", in: html)
        #expect(failed.attributes["data-target"] == "orders-qa")
        #expect(failed.attributes["data-result"] == "failed")
        #expect(failed.attributes["data-tone"] == "red")
        #expect(failed.attributes["class"] == "cell red")
        #expect(failed.text == "orders-qa failed")

        let ok = try Self.element("cell-orders-dev", in: html)
        #expect(ok.attributes["data-result"] == "ok")
        #expect(ok.attributes["data-fresh"] == "fresh")
        #expect(ok.attributes["data-tone"] == "green")
        #expect(ok.text == "orders-dev ok")

        let never = try Self.element("cell-billing-dev", in: html)
        #expect(never.attributes["data-result"] == "never")
        #expect(never.attributes["data-tone"] == "grey")
        #expect(never.text == "billing-dev never run")
    }

    @Test func matrixHasOneColumnPerTargetAccountAndSourceColumns() throws {
        let html = try Self.page()
        let header = try #require(html.firstMatch(of: /<thead><tr><th>Source<\/th>.*?<\/tr><\/thead>/)).output
        #expect(header.contains("<th data-account=\"qa\">qa<br><small>200000000002</small></th><th data-account=\"dev\">"))

        let orders = try Self.element("source-orders", in: html)
        #expect(orders.attributes["data-fresh"] == "fresh")
        #expect(orders.attributes["data-age-seconds"] == "14400")
        #expect(orders.text.contains("snapferry-orders-20261202-0100 slot 2026-12-02T01:00:00Z"))
        #expect(orders.inner.contains("<td class=\"age green\">4h 00m (fresh)</td>"))
        #expect(orders.inner.contains("<td class=\"shared\" data-shared-count=\"2\" title=\"200000000001, 200000000002\">2 of 2</td>"))
        #expect(orders.inner.contains("<time datetime=\"2026-12-03T01:00:00Z\">2026-12-03 01:00 UTC</time>"))

        let billing = try Self.element("source-billing", in: html)
        #expect(billing.attributes["data-fresh"] == "stale")
        #expect(billing.inner.contains("<td class=\"age amber\">4d 4h (stale)</td>"))
        #expect(billing.inner.contains("2026-12-03 02:00 Europe/Berlin"))
        // billing has no target in qa: an empty cell keeps the grid aligned.
        #expect(billing.inner.contains("<td class=\"empty\""))
        #expect(billing.text.contains("2026-12-01T01:00:10Z snapshot billing-prod: &lt;quota&gt; &amp; &quot;limits&quot;"))
    }

    @Test func targetListShowsResultsEscapedErrorsAndNextFires() throws {
        let html = try Self.page()
        let failed = try Self.element("target-orders-qa", in: html)
        #expect(failed.attributes["data-target"] == "orders-qa")
        #expect(failed.attributes["data-result"] == "failed")
        #expect(failed.inner.contains("<td class=\"error\">restore failed: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</td>"))
        #expect(failed.inner.contains("<td class=\"slot\">2026-12-02T03:30:00Z</td>"))
        #expect(failed.inner.contains("<time datetime=\"2026-12-03T03:30:00Z\">2026-12-03 03:30 UTC</time>"))

        let ok = try Self.element("target-orders-dev", in: html)
        #expect(ok.attributes["data-result"] == "ok")
        #expect(ok.inner.contains("<td class=\"error\"></td>"))
        #expect(ok.inner.contains("not scheduled"))

        let never = try Self.element("target-billing-dev", in: html)
        #expect(never.attributes["data-result"] == "never")
        #expect(never.inner.contains("<time datetime=\"2026-12-03T03:00:00Z\">2026-12-03 04:00 Europe/Berlin</time>"))
    }

    @Test func dataNeverBecomesMarkup() throws {
        let html = try Self.page(version: "1.4.0 <b>dev</b>")
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("alert(\"x\")"))
        #expect(!html.contains("<quota>"))
        #expect(!html.contains("<b>dev</b>"))
        #expect(html.contains("version 1.4.0 &lt;b&gt;dev&lt;/b&gt;"))
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.hasSuffix("</body>\n</html>\n"))
    }

    @Test func headerShowsFleetVersionNowAndBanners() throws {
        let good = try Self.page()
        #expect(good.contains("<h1>snapferry · acme</h1>"))
        #expect(good.contains("version 1.4.0 · now <time datetime=\"2026-12-02T05:00:00Z\">2026-12-02T05:00:00Z</time>"))
        #expect(try Self.element("ready", in: good).attributes["data-ready"] == "true")
        #expect(!good.contains("config-reload"))

        let bad = try Self.page(ready: false, reloadOK: false)
        let ready = try Self.element("ready", in: bad)
        #expect(ready.attributes["data-ready"] == "false")
        #expect(ready.text.hasPrefix("Not ready"))
        let reload = try Self.element("config-reload", in: bad)
        #expect(reload.attributes["data-config-reload"] == "failed")
        #expect(reload.attributes["class"] == "banner red")
        #expect(reload.text.hasPrefix("Config reload failed"))
    }

    @Test func refreshInFlightIsAmberWithItsWord() throws {
        let html = try Self.page(status: Self.status(ordersDevInFlight: true))
        let cell = try Self.element("cell-orders-dev", in: html)
        #expect(cell.attributes["data-result"] == "running")
        #expect(cell.attributes["data-tone"] == "amber")
        #expect(cell.text == "orders-dev running")
        #expect(try Self.element("target-orders-dev", in: html).text.contains("updated 2026-12-02T04:10:00Z"))
    }

    @Test func freshnessAllowsOneMissedFireOfAnIrregularSchedule() throws {
        let schedule = try CronSchedule(parsing: "0 1 * * 1-5")
        let utc = TimeZone(identifier: "UTC")!
        // Monday 2026-12-07T00:30Z: Friday's 01:00 snapshot is the newest due one.
        let monday = Date(timeIntervalSince1970: 1_796_603_400)
        #expect(StatusPage.isFresh(ageSeconds: 3 * 86_400 - 1_800, schedule: schedule, timeZone: utc, now: monday) == true)
        // Thursday's is one fire behind: still fresh; Wednesday's is two behind.
        #expect(StatusPage.isFresh(ageSeconds: 4 * 86_400 - 1_800, schedule: schedule, timeZone: utc, now: monday) == true)
        #expect(StatusPage.isFresh(ageSeconds: 5 * 86_400 - 1_800, schedule: schedule, timeZone: utc, now: monday) == false)
    }
}
