import AWSKit
import ArgumentParser
import Foundation
import SnapferryConfig
import SnapferryEngine

/// `snapferry policy`: the KMS and IAM documents the fleet needs, written from the fleet file;
/// `--diff` reads each source key's live policy and prints only what is missing. Never writes a policy.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Print the key-policy statements, role trust and permission policies the fleet needs (--diff: what live key policies lack).")
    @OptionGroup var options: ConfigOptions
    @Option(help: "Output format.") var format: OutputFormat = .text
    @Option(help: "Only this source's documents.") var source: String?
    @Option(help: "Only this target's documents.") var target: String?
    @Option(help: ArgumentHelp("The daemon's role or user ARN, trusted by the target roles (default: its account's root).",
                               valueName: "ARN"))
    var daemonPrincipal: String?
    @Flag(help: "Narrow the share accounts' use of each key to RDS in the fleet's regions (kms:ViaService).") var viaService = false
    @Flag(help: "Read each source key's policy (GetKeyPolicy) and print only the statements it lacks.") var diff = false

    func run() async throws {
        let fleet = try loadConfig(options.path)
        if let source, fleet.source(named: source.lowercased()) == nil {
            throw ValidationError("--source: unknown source \"\(source)\"; known: \(fleet.sources.map(\.name).joined(separator: ", "))")
        }
        if let target, !fleet.targets.contains(where: { $0.name == target.lowercased() }) {
            throw ValidationError("--target: unknown target \"\(target)\"; known: \(fleet.targets.map(\.name).joined(separator: ", "))")
        }
        if let daemonPrincipal, !daemonPrincipal.hasPrefix("arn:") || daemonPrincipal.split(separator: ":", omittingEmptySubsequences: false).count < 6 {
            throw ValidationError("--daemon-principal: expected an IAM ARN such as arn:aws:iam::123456789012:role/snapferry, got \"\(daemonPrincipal)\"")
        }
        if diff { return try await printDiff(fleet) }
        if daemonPrincipal == nil, fleet.ownAccount == nil, fleet.accounts.contains(where: { $0.roleArn != nil }) {
            throw ValidationError("the fleet file names no account for the daemon's own credentials (every account has a role_arn): "
                                  + "pass --daemon-principal with the daemon's role or user ARN, which the roles must trust")
        }
        let documents = FleetPolicies.documents(fleet, options: .init(
            sources: source.map { [$0.lowercased()] }, targets: target.map { [$0.lowercased()] },
            daemonPrincipal: daemonPrincipal, viaService: viaService))
        if format == .json {
            try JSONOutput.write(documents.map(DocumentJSON.init))
            return
        }
        for (i, d) in documents.enumerated() {
            if i > 0 { print("") }
            let id = fleet.account(named: d.account)?.id ?? ""
            print("# \(d.title)  (account \(d.account)\(id.isEmpty ? "" : " \(id)"))")
            for note in d.notes { print("# \(note)") }
            // Key-policy statements go into an existing policy: print the statement list, not a whole policy to replace it.
            print(d.kind == .keyPolicyStatements ? PolicyJSON.array(d.statements).pretty : d.document.pretty)
        }
    }

    struct DocumentJSON: Encodable {
        var kind: String
        var title: String
        var account: String
        var attach_to: String
        var document: PolicyJSON
        var notes: [String]

        init(_ d: PolicyDocument) {
            kind = d.kind.rawValue; title = d.title; account = d.account; attach_to = d.attachTo; document = d.document; notes = d.notes
        }
    }

    struct DiffJSON: Encodable {
        var sources: [String]
        var account: String
        var key: String?
        var missing: [String: [String]]
        var add: [PolicyJSON]
        var error: String?
    }

    func printDiff(_ fleet: FleetConfig) async throws {
        let (aws, transport) = try liveAWS(fleet)
        let diffs = await KeyPolicyDiff.read(fleet, aws: aws, sources: source.map { [$0.lowercased()] })
        try? await transport.shutdown()
        if format == .json {
            try JSONOutput.write(diffs.map { DiffJSON(sources: $0.sources, account: $0.account, key: $0.key, missing: $0.missing,
                                                      add: $0.statements, error: $0.error) })
        } else {
            for (i, d) in diffs.enumerated() {
                if i > 0 { print("") }
                print("# key policy of \(d.key ?? "the key of source \(d.sources.joined(separator: ", "))")  (sources \(d.sources.joined(separator: ", ")), account \(d.account))")
                if let error = d.error {
                    print("# cannot check: \(error)")
                } else if d.missing.isEmpty {
                    print("# nothing missing: every share account may use the key for copy and restore")
                } else {
                    for (account, actions) in d.missing.sorted(by: { $0.key < $1.key }) {
                        print("# \(account) lacks \(actions.joined(separator: ", "))")
                    }
                    print("# add to the policy's Statement list:")
                    print(PolicyJSON.array(d.statements).pretty)
                }
            }
        }
        if diffs.contains(where: { $0.error != nil || !$0.missing.isEmpty }) { throw ExitCode(1) }
    }
}
