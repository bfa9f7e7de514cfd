import AWSKit
import ArgumentParser
import Foundation
import SnapferryConfig
import SnapferryEngine

/// `snapferry whoami`: for every account, the credentials used, the identity AWS
/// reports, whether it matches the fleet file, and the DB clusters visible.
struct WhoamiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Show, for every fleet account, the credentials used, the ARN and account AWS reports, and the DB clusters visible.")

    @OptionGroup var options: ConfigOptions
    @Option(help: "Output format.") var format: OutputFormat = .text

    struct Row: Encodable {
        var account: String, configured_id: String, region: String
        var credentials: String
        var arn: String? = nil, reported_account: String? = nil, matches: Bool
        var db_clusters: Int? = nil
        /// `share-only`: no role and no source or target in it; snapferry only shares snapshots with it and needs no credentials there.
        var role: String? = nil
        var error: String? = nil
    }

    func run() async throws {
        let config = try loadConfig(options.path)
        let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(5),
                                                  network: try NetworkSettings.from(environment: ProcessInfo.processInfo.environment))
        defer { Task { try? await transport.shutdown() } }
        let aws = try LiveFleetAWS(config: config, environment: ProcessInfo.processInfo.environment, transport: transport)
        var rows: [Row] = []
        for account in config.accounts {
            let region = account.region ?? config.defaults.region
            var row = Row(account: account.name, configured_id: account.id, region: region, credentials: "",
                          matches: false)
            if config.isShareOnly(account) {
                row.credentials = "none needed"
                row.role = "share-only"
                rows.append(row)
                continue
            }
            do {
                let identity = try await aws.sts(account, region: region).getCallerIdentity()
                row.arn = identity.arn
                row.reported_account = identity.account
                row.matches = identity.account == account.id
                if !row.matches {
                    row.error = "credentials act in account \(identity.account), but the fleet file says \(account.id): fix accounts.\(account.name).id or its role_arn"
                } else {
                    row.db_clusters = try await aws.rds(account, region: region).allDBClusters(.init()).collect().count
                }
            } catch {
                row.error = "\(error)"
            }
            row.credentials = row.error == nil ? await aws.credentialSource(account) : "unavailable (see error)"
            rows.append(row)
        }
        try? await transport.shutdown()
        if format == .json {
            try JSONOutput.write(rows)
        } else {
            for r in rows {
                print("\(r.account) (\(r.configured_id), \(r.region))")
                if r.role == "share-only" {
                    print("  share-only:  snapshots are shared with this account; snapferry acts in it never, so it needs no credentials")
                    continue
                }
                print("  credentials: \(r.credentials)")
                if let arn = r.arn { print("  identity:    \(arn) (account \(r.reported_account ?? "?")\(r.matches ? ", matches" : ", DOES NOT MATCH"))") }
                if let n = r.db_clusters { print("  db clusters: \(n)") }
                if let e = r.error { print("  error:       \(e.replacingOccurrences(of: "\n", with: "\n               "))") }
            }
        }
        if rows.contains(where: { $0.error != nil }) { throw ExitCode(1) }
    }
}

/// Loads the fleet file or exits 2 with every located error.
func loadConfig(_ path: String) throws -> FleetConfig {
    switch FleetLoader.load(path: path) {
    case .success(let config): return config
    case .failure(let errors):
        FileHandle.standardError.write(Data((errors.description + "\n").utf8))
        throw ExitCode(2)
    }
}
