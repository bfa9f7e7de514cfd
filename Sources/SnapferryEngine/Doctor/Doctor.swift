import AWSKit
import Foundation
import SnapferryConfig
import SnapferryCore

/// One preflight check's verdict.
public struct DoctorCheck: Sendable, Hashable, Encodable {
    public enum Status: String, Sendable, Encodable { case ok, warn, fail }

    /// What was checked: `credentials`, `role`, `cluster`, `key`, `key-policy`, `quota`, …
    public var check: String
    /// `account dev`, `source orders`, `target orders-dev`.
    public var subject: String
    public var status: Status
    public var message: String
    /// What to change: the statement to add, the field to set.
    public var fix: String?

    public init(_ check: String, _ subject: String, _ status: Status, _ message: String, fix: String? = nil) {
        self.check = check; self.subject = subject; self.status = status; self.message = message; self.fix = fix
    }
}

/// `snapferry doctor`: everything that would make tonight's run fail, read from AWS before it runs —
/// credentials and roles, source clusters and keys, key policies, target keys and networks, cluster
/// names, and quota headroom — each with what to change. Reads only; the checks of different accounts
/// run in parallel, within the client's per-account rate limits.
public struct Doctor: Sendable {
    public let config: FleetConfig
    let aws: any FleetAWS

    public init(config: FleetConfig, aws: any FleetAWS) {
        self.config = config; self.aws = aws
    }

    /// Every check, in fleet-file order (accounts, sources, targets). An account whose credentials or role
    /// fail is not read further: its sources' and targets' checks would only repeat that failure.
    public func run() async -> [DoctorCheck] {
        typealias Group = @Sendable () async -> [DoctorCheck]
        let identities = await parallel(config.accounts.filter { !config.isShareOnly($0) }.map { account in { await self.identity(account) } })
        let unusable = Set(config.accounts.filter { a in identities.contains { $0.subject == "account \(a.name)" && $0.status == .fail } }.map(\.name))
        var groups: [Group] = []
        for source in config.sources {
            groups.append { unusable.contains(source.account) ? [self.skipped("source \(source.name)", source.account)] : await self.source(source) }
        }
        groups.append { await self.keyPolicies().filter { c in !config.sources.contains { "source \($0.name)" == c.subject && unusable.contains($0.account) } } }
        for target in config.targets {
            groups.append { unusable.contains(target.account) ? [self.skipped("target \(target.name)", target.account)] : await self.target(target) }
        }
        groups.append { await self.quotas(skipping: unusable) }
        return identities + (await parallel(groups))
    }

    func skipped(_ subject: String, _ account: String) -> DoctorCheck {
        DoctorCheck("skipped", subject, .warn, "not checked: account \(account) cannot be acted in (see its failure above)")
    }

    func parallel(_ groups: [@Sendable () async -> [DoctorCheck]]) async -> [DoctorCheck] {
        await withTaskGroup(of: (Int, [DoctorCheck]).self) { group in
            for (index, body) in groups.enumerated() { group.addTask { (index, await body()) } }
            var out: [(Int, [DoctorCheck])] = []
            for await item in group { out.append(item) }
            return out.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// AWS's words for a failure, without the request detail.
    static func describe(_ error: any Error) -> String {
        (error as? AWSError).map { $0.code.isEmpty ? $0.message : "\($0.code): \($0.message)" } ?? "\(error)"
    }

    static func code(_ error: any Error) -> String { (error as? AWSError)?.code ?? "" }
}
