import Foundation
import SnapferryConfig
import SnapferryCore
import Testing

/// The deliberately broken fleet file: every error class, located, in one run.
@Suite struct BrokenFleetFileTests {
    static let expected = [
        #"broken.yaml:4:11: metrics.listen: expected HOST:PORT with a port from 1 to 65535, like 127.0.0.1:9471, got "localhost""#,
        #"broken.yaml:8:19: defaults.limits.max_parallel: must be at least 1, got 0"#,
        #"broken.yaml:9:28: defaults.limits.max_copies_per_region: must be at most 5 (RDS runs at most 5 snapshot copies per region and account), got 9"#,
        #"broken.yaml:10:15: defaults.limits.api_rate: must be greater than 0, got -2.0"#,
        #"broken.yaml:12:11: defaults.retry.mode: expected standard or adaptive, got "eager""#,
        #"broken.yaml:13:5: defaults.retry.max_atempts: unknown key "max_atempts"; did you mean "max_attempts"? (allowed: mode, max_attempts)"#,
        #"broken.yaml:16:9: accounts.prod.id: account id must be exactly 12 digits (quote it in YAML so leading zeros survive), got "11111111111""#,
        #"broken.yaml:19:15: accounts.dev.role_arn: role is in account 999999999999 but this account's id is 222222222222"#,
        #"broken.yaml:21:9: accounts.qa.id: account id 222222222222 is already used by account "dev"; give each account one name"#,
        #"broken.yaml:22:15: accounts.qa.role_arn: not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>), got "not-an-arn""#,
        #"broken.yaml:23:22: accounts.qa.session_seconds: STS sessions last 900 to 43200 seconds, got 60"#,
        #"broken.yaml:28:18: sources[0].schedule: invalid cron expression: hour 25 out of range 0-23"#,
        #"broken.yaml:29:15: sources[0].timezone: unknown time zone "Europe/Berln"; use an IANA name like UTC, Europe/Berlin or America/New_York"#,
        #"broken.yaml:30:14: sources[0].kms_key: key is in region us-east-1 but it is used in eu-west-1; a KMS key can only encrypt in its own region"#,
        #"broken.yaml:31:16: sources[0].retention: retention has no rule, so snapferry could never prune; give at least one of keep_last, keep_hourly, keep_daily, keep_weekly, keep_monthly, keep_yearly, keep_within"#,
        #"broken.yaml:32:23: sources[0].share_with[1]: a source cannot share with its own account "prod"; remove it from share_with"#,
        #"broken.yaml:32:29: sources[0].share_with[2]: unknown account "stage"; known: dev, prod, qa"#,
        #"broken.yaml:33:11: sources[1].name: duplicate source name "orders" (also sources[0]); names are compared without case, as RDS does"#,
        #"broken.yaml:34:14: sources[1].account: unknown account "prodd"; known: dev, prod, qa (did you mean "prod"?)"#,
        #"broken.yaml:38:19: sources[1].retention.keep_daily: expected a whole number of at least 1 or "unlimited", got "-1""#,
        #"broken.yaml:39:20: sources[1].retention.keep_within: invalid duration "3 days"; use a number with a unit s, m, h, d or w, like 90s, 30m, 36h, 7d or 1d12h"#,
        #"broken.yaml:41:5: sources[1].sharewith: unknown key "sharewith"; did you mean "share_with"? (allowed: name, account, region, cluster, schedule, timezone, method, kms_key, retention, share_with)"#,
        #"broken.yaml:45:14: targets[0].account: account "qa" is not in share_with of source "orders"; add it there so the snapshot is shared with it"#,
        #"broken.yaml:49:7: targets[0].instances: instances of class db.serverless need serverless_v2: { min_capacity, max_capacity }"#,
        #"broken.yaml:49:16: targets[0].instances[0].class: instance classes start with db., like db.r6g.large or db.serverless, got "r6g.large""#,
        #"broken.yaml:50:16: targets[0].instances[0].count: must be at least 1, got 0"#,
        #"broken.yaml:53:23: targets[0].security_groups[0]: not a security group id (sg- followed by 8 or 17 lower-case hex digits), got "sg-123""#,
        #"broken.yaml:54:24: targets[0].copy_into_account: copy_into_account needs kms_key: the copy is encrypted under the target account's own key"#,
        #"broken.yaml:55:23: targets[0].max_snapshot_age: invalid duration "soon"; use a number with a unit s, m, h, d or w, like 90s, 30m, 36h, 7d or 1d12h"#,
        #"broken.yaml:56:5: targets[1].subnet_group: missing required field"#,
        #"broken.yaml:57:13: targets[1].source: unknown source "billing"; known: orders"#,
        #"broken.yaml:59:23: targets[1].schedule: invalid cron expression: expected 5 fields (minute hour day-of-month month day-of-week), got 4"#,
        #"broken.yaml:61:16: targets[1].instances: expected a list, got "db.r6g.large""#,
        #"broken.yaml:63:22: targets[1].master_password: the only accepted value is "managed" (RDS keeps the password in Secrets Manager); never put a password in the fleet file"#,
        #"broken.yaml:64:12: targets[1].adopt: expected true or false, got "maybe""#,
        #"broken.yaml:65:59: targets[1].retire.keep_final_snapshots: must be at least 1, got 0 (the newest final snapshot is always kept; set final_snapshot: false to take none)"#,
    ]

    @Test func load_whenFileHasEveryErrorClass_reportsAllOfThemWithExactLocations() throws {
        let url = try #require(Bundle.module.url(forResource: "broken", withExtension: "yaml", subdirectory: "Fixtures"))
        let yaml = try String(contentsOf: url, encoding: .utf8)
        let result = FleetLoader.load(yaml: yaml, file: "broken.yaml")
        guard case .failure(let errors) = result else {
            Issue.record("broken.yaml loaded without errors")
            return
        }
        let got = errors.diagnostics.map(\.description)
        for (index, line) in Self.expected.enumerated() where index < got.count {
            #expect(got[index] == line)
        }
        #expect(got.count == Self.expected.count)
    }
}
