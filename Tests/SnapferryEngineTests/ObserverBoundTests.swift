import AWSKit
import AWSSimulator
import Foundation
import SnapferryConfig
import SnapferryEngine
import SnapferryTestSupport
import Testing

/// A pass over many accounts reads at most `FleetObserver.parallelScopes` of them at once (their answers are
/// held in memory until decoded), and still reads every one.
@Suite struct ObserverBoundTests {
    @Test func fortyAccountsAreReadSixteenAtATime_andAllAreSeen() async throws {
        let ids = (1...40).map { String(format: "1000000000%02d", $0) }
        var yaml = "version: 1\nfleet: acme\ndefaults: { region: eu-west-1 }\naccounts:\n"
        for (k, id) in ids.enumerated() { yaml += "  a\(k): { id: \"\(id)\" }\n" }
        yaml += "sources:\n"
        for k in ids.indices {
            yaml += "  - { name: s\(k), account: a\(k), cluster: s\(k)-prod, schedule: \"0 1 * * *\", retention: { keep_last: 1 } }\n"
        }
        let config = try FleetLoader.load(yaml: yaml, file: "fleet.yaml").get()
        let scenario = SimScenario(accounts: ids.map { SimScenario.Account(id: $0) },
                                   clusters: ids.enumerated().map { SimScenario.Cluster(account: $1, region: "eu-west-1", id: "s\($0)-prod") })
        let world = try SimWorld(scenario: scenario, now: { Date(timeIntervalSince1970: 1_796_083_200) })
        let gauge = InFlightGauge()
        let aws = RecordingFleetAWS(base: SimFleetAWS(world: world), log: MutationLog(), gauge: gauge)
        let observed = await FleetObserver(config: config, aws: aws).observe(config.sources, at: Date(timeIntervalSince1970: 1_796_083_200),
                                                                          cache: RunCache())
        #expect(observed.count == 40)
        #expect(observed.values.allSatisfy { (try? $0.get())?.cluster != nil })
        let most = await gauge.most
        #expect(most <= FleetObserver.parallelScopes && FleetObserver.parallelScopes == 16, "\(most) at once")
        #expect(most >= 4, "reads still run side by side: \(most) at once")
        #expect(await gauge.now == 0)
    }
}
