import Foundation

/// A rotation fleet against `snapferry-sim` in a fresh temporary folder: the scenario
/// (prod account 111111111111 with its CMK, source clusters, a pre-existing manual
/// snapshot `legacy-manual-1` of the first cluster), the fleet file and the state database.
public struct SimFleetFixture: Sendable {
    /// One `sources:` entry.
    public struct SourceSpec: Sendable {
        /// Source name.
        public var name: String
        /// Cluster id in the prod account (it may name one the scenario does not have).
        public var cluster: String
        /// Account names to share with.
        public var shareWith: [String]
        /// `retention.keep_last`.
        public var keepLast: Int
        /// Creates a source.
        public init(name: String, cluster: String, shareWith: [String], keepLast: Int) {
            self.name = name; self.cluster = cluster; self.shareWith = shareWith; self.keepLast = keepLast
        }
    }

    /// The source account.
    public static let prodAccount = "111111111111"
    /// Its access key id in the scenario.
    public static let accessKeyId = "AKIAPROD000000000001"
    /// Its secret.
    public static let secretAccessKey = "prod-secret"
    /// The customer-managed key every source copies under.
    public static let cmk = "arn:aws:kms:eu-west-1:111111111111:key/0f9a8b7c-1111-2222-3333-444455556666"
    /// The snapshot snapferry did not make and must never touch.
    public static let legacySnapshot = "legacy-manual-1"

    /// The folder holding everything.
    public let directory: URL
    /// Fleet name (tags).
    public let fleet: String
    /// Share accounts: name → id.
    public let shareAccounts: [String: String]
    /// Sources.
    public let sources: [SourceSpec]

    /// `scenario.json`.
    public var scenarioPath: String { directory.appendingPathComponent("scenario.json").path }
    /// `fleet.yaml`.
    public var fleetPath: String { directory.appendingPathComponent("fleet.yaml").path }
    /// `state.sqlite`.
    public var statePath: String { directory.appendingPathComponent("state.sqlite").path }

    /// Creates the folder and writes the scenario with `clusters` (ids in the prod account, 10 GB each,
    /// backing up at 23:00 so that a run at time scale 300 never meets the backup window).
    public init(label: String, fleet: String, clusters: [String], shareAccounts: [String: String], sources: [SourceSpec]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("snapferry-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.fleet = fleet; self.shareAccounts = shareAccounts; self.sources = sources
        let clusterObjects = clusters.map {
            """
                {"account": "\(Self.prodAccount)", "region": "eu-west-1", "id": "\($0)", "engine": "aurora-postgresql",
                 "engine_version": "16.4", "kms_key": "alias/aws/rds", "size_gb": 10, "instances": 1,
                 "backup_retention_days": 7, "backup_window": "23:00-23:30"}
            """
        }
        let legacy = clusters.first.map {
            """
                {"account": "\(Self.prodAccount)", "region": "eu-west-1", "id": "\(Self.legacySnapshot)", "cluster": "\($0)",
                 "created": "2026-11-20T02:00:00Z", "tags": {}}
            """
        }
        let scenario = """
            {"start": "2026-12-01T00:00:00Z", "regions": ["eu-west-1"],
             "accounts": [{"id": "\(Self.prodAccount)", "access_keys": [{"id": "\(Self.accessKeyId)", "secret": "\(Self.secretAccessKey)"}]},
                          {"id": "222222222222"}, {"id": "333333333333"}],
             "kms_keys": [{"arn": "\(Self.cmk)", "aliases": ["alias/snapferry"],
                           "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                                      "Principal": {"AWS": "arn:aws:iam::\(Self.prodAccount):root"}, "Action": "kms:*", "Resource": "*"}]}}],
             "clusters": [\(clusterObjects.joined(separator: ", "))],
             "cluster_snapshots": [\(legacy ?? "")],
             "durations": {"snapshot_seconds_per_gb": 3, "copy_seconds_per_gb": 6}}
            """
        let data = Data(scenario.utf8)
        try data.write(to: URL(fileURLWithPath: scenarioPath))
    }

    /// Writes the fleet file pointing at `endpoint`.
    public func writeFleet(endpoint: String, state: String? = nil) throws {
        var lines = [
            "version: 1", "fleet: \(fleet)", "state: \(state ?? statePath)", "endpoints: { url: \"\(endpoint)\" }",
            "defaults: { region: eu-west-1, poll: { initial: 0.2, max: 1 } }", "accounts:",
            "  prod: { id: \"\(Self.prodAccount)\" }",
        ]
        for (name, id) in shareAccounts.sorted(by: { $0.key < $1.key }) { lines.append("  \(name): { id: \"\(id)\" }") }
        lines.append("sources:")
        for s in sources {
            lines.append("  - { name: \(s.name), account: prod, cluster: \(s.cluster), schedule: \"0 2 * * *\", kms_key: \"\(Self.cmk)\", "
                         + "retention: { keep_last: \(s.keepLast) }, share_with: [\(s.shareWith.joined(separator: ", "))] }")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: fleetPath, atomically: true, encoding: .utf8)
    }

    /// Starts `snapferry-sim` with this scenario and writes the fleet file pointing at it; stop it when done.
    public func startSim(timeScale: Double) async throws -> SimProcess {
        let sim = try await SimProcess.start(scenarioPath: scenarioPath, timeScale: timeScale)
        do { try writeFleet(endpoint: sim.endpoint) } catch { sim.stop(); throw error }
        return sim
    }

    /// The environment a `snapferry` child needs: the prod key, and nothing from the developer's `~/.aws`.
    public var environment: [String: String] {
        ["AWS_ACCESS_KEY_ID": Self.accessKeyId, "AWS_SECRET_ACCESS_KEY": Self.secretAccessKey,
         "AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "", "AWS_CONFIG_FILE": "/nonexistent",
         "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "SNAPFERRY_CONFIG": fleetPath]
    }

    /// Runs `snapferry` with `arguments` plus `--config` for this fleet, to completion.
    public func snapferry(_ arguments: [String]) async throws -> CommandResult {
        try await CommandRunner.run(TestPaths.binary("snapferry"), arguments + ["--config", fleetPath],
                                    environment: environment, timeout: .seconds(90))
    }

    /// Runs `snapferry` on a pseudo-terminal (`Tests/python/pty_run.py`), answering its `[y/N]` prompts with `answers`.
    public func snapferryOnTerminal(_ arguments: [String], answers: [String] = []) async throws -> (status: Int, transcript: String, prompts: Int) {
        let r = try await CommandRunner.run(TestPaths.python, [TestPaths.repoRoot + "/Tests/python/pty_run.py", "90",
                                                               answers.joined(separator: ","), "--", TestPaths.binary("snapferry")]
                                              + arguments + ["--config", fleetPath],
                                              environment: environment, timeout: .seconds(120))
        struct Answer: Decodable { var status: Int; var transcript: String; var prompts: Int }
        let a = try JSONDecoder().decode(Answer.self, from: Data(r.stdout.utf8))
        return (a.status, a.transcript, a.prompts)
    }

    /// Starts `snapferry` with `arguments` in the background (output in files under the fixture's folder).
    public func startSnapferry(_ arguments: [String], label: String) throws -> KillableProcess {
        try KillableProcess.start(TestPaths.binary("snapferry"), arguments + ["--config", fleetPath], environment: environment,
                                  directory: directory, label: label)
    }

    /// The prod account's manual snapshots of `cluster`, as the simulator shows them.
    public func inventory(_ sim: SimProcess, cluster: String) async throws -> [ObservedSnapshot] {
        try await SnapshotInventory.manualSnapshots(endpoint: sim.endpoint, accessKeyId: Self.accessKeyId,
                                                    secretAccessKey: Self.secretAccessKey, account: Self.prodAccount,
                                                    cluster: cluster)
    }

    /// Removes the folder.
    public func remove() { try? FileManager.default.removeItem(at: directory) }
}
