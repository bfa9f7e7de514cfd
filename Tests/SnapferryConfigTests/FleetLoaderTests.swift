import Foundation
import SnapferryConfig
import SnapferryCore
import Testing

/// A minimal valid fleet file that each test bends in one place.
let minimalFleet = """
version: 1
fleet: acme
accounts:
  prod: { id: "111111111111" }
  dev:
    id: "222222222222"
    role_arn: arn:aws:iam::222222222222:role/snapferry-restore
sources:
  - name: orders
    account: prod
    cluster: orders-prod
    schedule: "0 2 * * *"
    kms_key: arn:aws:kms:us-east-1:111111111111:key/0f9a8b7c-1111-2222-3333-444455556666
    retention: { keep_daily: 7 }
    share_with: [dev]
targets:
  - name: orders-dev
    source: orders
    account: dev
    schedule: "30 4 * * 1-5"
    cluster: orders-dev
    instances: [{ class: db.r6g.large }]
    subnet_group: dev-db
    security_groups: [sg-0123456789abcdef0]
"""

func diagnostics(_ yaml: String) -> [String] {
    switch FleetLoader.load(yaml: yaml, file: "f.yaml") {
    case .success: return []
    case .failure(let e): return e.diagnostics.map(\.description)
    }
}

@Suite struct FleetLoaderTests {
    @Test func load_annotatedExample_isValidAndCarriesEveryField() throws {
        let url = try #require(Bundle.module.url(forResource: "fleet.example", withExtension: "yaml", subdirectory: "Fixtures"))
        let config = try FleetLoader.load(path: url.path).get()
        #expect(config.fleet == "acme")
        #expect(config.metrics.port == 9471)
        #expect(config.defaults.limits.maxCopiesPerRegion == 5)
        #expect(config.defaults.retry.maxAttempts == 5)
        #expect(config.accounts.map(\.name) == ["prod", "dev", "staging"])
        #expect(config.account(named: "dev")?.externalId == "acme-snapferry")
        let source = try #require(config.source(named: "orders"))
        #expect(source.region == "eu-west-1")
        #expect(source.timeZone.identifier == "Europe/Berlin")
        #expect(source.retention == RetentionPolicy(last: .count(3), daily: .count(7), weekly: .count(4), monthly: .count(6)))
        #expect(source.shareWith == ["dev", "staging"])
        let dev = try #require(config.targets.first)
        #expect(dev.copyIntoAccount && dev.manageMasterPassword)
        #expect(dev.maxSnapshotAge == .seconds(36 * 3600))
        #expect(dev.postRestore?.timeout == .seconds(1800))
        #expect(dev.tags == ["env": "dev"])
        let staging = config.targets[1]
        #expect(staging.serverlessV2 == .init(minCapacity: 0.5, maxCapacity: 8))
        #expect(staging.instances.first?.promotionTier == 1)
        #expect(staging.finalSnapshotOnRetire)
        #expect(staging.keepFinalSnapshots == 3)
    }

    @Test func load_minimalFleet_usesDefaults() throws {
        let config = try FleetLoader.load(yaml: minimalFleet, file: "f.yaml").get()
        #expect(config.defaults.region == "us-east-1")
        #expect(config.defaults.limits == Limits())
        #expect(config.sources[0].method == .snapshot)
        #expect(config.sources[0].timeZone.secondsFromGMT() == 0)
        #expect(config.resolvedStatePath(environment: ["STATE_DIRECTORY": "/var/lib/snapferry"]) == "/var/lib/snapferry/state.sqlite")
        #expect(config.resolvedStatePath(environment: [:]) == "./snapferry-state.sqlite")
    }

    @Test func load_yamlSyntaxError_reportsLineAndColumn() {
        let got = diagnostics("version: 1\nfleet: [acme\naccounts: {}\n")
        #expect(got.count == 1)
        #expect(got.first?.hasPrefix("f.yaml:3:") == true)
        #expect(got.first?.contains("YAML syntax error") == true)
    }

    @Test func load_duplicateAccountKey_isReportedAsDuplicate() {
        let yaml = minimalFleet.replacingOccurrences(of: "  prod: { id: \"111111111111\" }\n",
                                                     with: "  prod: { id: \"111111111111\" }\n  prod: { id: \"444444444444\" }\n")
        let got = diagnostics(yaml)
        #expect(got.count == 1)
        #expect(got.first?.contains("duplicate key \"prod\"") == true)
    }

    @Test func load_emptyFile_saysSo() {
        #expect(diagnostics("") == ["f.yaml:1:1: the file is empty; see config/fleet.example.yaml"])
    }

    @Test func load_unknownRootKeyAndWrongVersion_areBothReported() {
        let yaml = minimalFleet.replacingOccurrences(of: "version: 1", with: "version: 2\nsoruces: []")
        #expect(diagnostics(yaml) == [
            "f.yaml:1:10: version: unsupported version 2; this snapferry reads version: 1",
            #"f.yaml:2:1: soruces: unknown key "soruces"; did you mean "sources"? (allowed: version, fleet, state, metrics, endpoints, defaults, accounts, sources, targets)"#,
        ])
    }

    @Test func load_kmsAliasArn_asksForTheKeyArn() {
        let yaml = minimalFleet.replacingOccurrences(of: "key/0f9a8b7c-1111-2222-3333-444455556666", with: "alias/snapferry")
        #expect(diagnostics(yaml) == [
            "f.yaml:13:14: sources[0].kms_key: an alias cannot be shared across accounts or named in IAM policies; use the key ARN (arn:aws:kms:us-east-1:111111111111:key/<key-id>)",
        ])
    }

    @Test func load_kmsKeyOfAnotherAccount_isRefused() {
        let yaml = minimalFleet.replacingOccurrences(of: "us-east-1:111111111111:key", with: "us-east-1:222222222222:key")
        #expect(diagnostics(yaml) == [
            "f.yaml:13:14: sources[0].kms_key: key is in account 222222222222 but it is used in account 111111111111; name a key of that account",
        ])
    }

    @Test func load_targetInTheSourceAccount_isRefused() {
        let yaml = minimalFleet.replacingOccurrences(of: "    account: dev\n", with: "    account: prod\n")
        #expect(diagnostics(yaml) == [
            #"f.yaml:19:14: targets[0].account: target account "prod" is the source's own account; snapferry refreshes other accounts from shared snapshots"#,
        ])
    }

    @Test func load_targetInAnotherRegion_isRefused() {
        let yaml = minimalFleet.replacingOccurrences(of: "    cluster: orders-dev\n", with: "    cluster: orders-dev\n    region: eu-west-1\n")
        #expect(diagnostics(yaml) == [
            #"f.yaml:22:13: targets[0].region: target region eu-west-1 differs from source "orders" region us-east-1; shared snapshots restore only in their own region"#,
        ])
    }

    @Test func load_twoTargetsOnOneCluster_isRefused() {
        let second = """

          - name: orders-dev2
            source: orders
            account: dev
            schedule: "0 5 * * *"
            cluster: Orders-Dev
            instances: [{ class: db.r6g.large }]
            subnet_group: dev-db
            security_groups: [sg-0123456789abcdef0]
        """
        let got = diagnostics(minimalFleet + second)
        #expect(got == [#"f.yaml:29:14: targets[1].cluster: cluster "orders-dev" is already refreshed by target "orders-dev" in the same account and region"#])
    }

    @Test func load_serverlessCapacityOutOfRange_isReported() {
        let yaml = minimalFleet.replacingOccurrences(of: "[{ class: db.r6g.large }]",
                                                     with: "[{ class: db.serverless }]\n    serverless_v2: { min_capacity: 4, max_capacity: 2.25 }")
        #expect(diagnostics(yaml) == [
            "f.yaml:23:53: targets[0].serverless_v2.max_capacity: ACUs go from 0 to 256 in steps of 0.5, got 2.25",
        ])
    }

    @Test func load_reservedTagKey_isRefused() {
        let yaml = minimalFleet + "\n    tags: { \"snapferry:target\": x }"
        #expect(diagnostics(yaml) == [
            "f.yaml:25:13: targets[0].tags.snapferry:target: tag keys starting with snapferry: or aws: are reserved",
        ])
    }

    @Test func load_externalIdWithoutRole_isRefused() {
        let yaml = minimalFleet.replacingOccurrences(of: "prod: { id: \"111111111111\" }", with: "prod: { id: \"111111111111\", external_id: x }")
        #expect(diagnostics(yaml) == [
            "f.yaml:4:44: accounts.prod.external_id: external_id is only used when assuming role_arn; add role_arn or remove external_id",
        ])
    }

    @Test func load_namesAreLowerCasedLikeRDS() throws {
        let yaml = minimalFleet.replacingOccurrences(of: "cluster: orders-prod", with: "cluster: Orders-PROD")
        let config = try FleetLoader.load(yaml: yaml, file: "f.yaml").get()
        #expect(config.sources[0].cluster == "orders-prod")
    }

    @Test func load_threeSourcesOnOneCluster_laterOnesAreReportedAgainstEachEarlierOne() {
        let more = """
          - name: orders2
            account: prod
            cluster: orders-prod
            schedule: "0 3 * * *"
            retention: { keep_daily: 7 }
          - name: orders3
            account: prod
            cluster: orders-prod
            schedule: "0 4 * * *"
            retention: { keep_daily: 7 }
        targets:
        """
        let yaml = minimalFleet.replacingOccurrences(of: "targets:", with: more)
        let tail = "; one source per cluster keeps retention sane"
        #expect(diagnostics(yaml) == [
            #"f.yaml:18:14: sources[1].cluster: cluster "orders-prod" in account prod is already the source "orders""# + tail,
            #"f.yaml:23:14: sources[2].cluster: cluster "orders-prod" in account prod is already the source "orders""# + tail,
            #"f.yaml:23:14: sources[2].cluster: cluster "orders-prod" in account prod is already the source "orders2""# + tail,
        ])
    }
}
