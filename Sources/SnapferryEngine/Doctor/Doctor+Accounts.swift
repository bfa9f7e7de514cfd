import AWSKit
import Foundation
import SnapferryConfig

extension Doctor {
    /// The account's credentials resolve to that account; a role is assumed with its ExternalId, for
    /// sessions long enough for the longest `post_restore` hook run there.
    func identity(_ account: Account) async -> [DoctorCheck] {
        let subject = "account \(account.name)"
        let region = account.region ?? config.defaults.region
        do {
            let me = try await aws.sts(account, region: region).getCallerIdentity()
            guard me.account == account.id else {
                return [DoctorCheck("credentials", subject, .fail, "the credentials used for \(account.name) belong to account \(me.account) (\(me.arn)), not \(account.id)",
                                    fix: account.roleArn == nil ? "run the daemon with credentials of \(account.id), or give the account a role_arn"
                                        : "check role_arn of account \(account.name): it should be a role in \(account.id)")]
            }
            var checks = [DoctorCheck(account.roleArn == nil ? "credentials" : "role", subject, .ok,
                                      account.roleArn == nil ? "credentials resolve to \(me.arn)"
                                        : "assumed \(account.roleArn!)" + (account.externalId == nil ? "" : " with its ExternalId") + " as \(me.arn)")]
            if account.roleArn != nil { checks += sessionLength(account) }
            return checks
        } catch {
            guard let role = account.roleArn else {
                return [DoctorCheck("credentials", subject, .fail, "the daemon's credentials do not resolve: \(Self.describe(error))",
                                    fix: "give the daemon credentials for \(account.id) (instance role, AWS_PROFILE, environment, or the unit's EnvironmentFile)")]
            }
            let trust = FleetPolicies.trust(config, account: account, principal: nil).compact
            var fix = "the trust policy of \(role) must let the daemon assume it: \(trust)"
            if account.externalId != nil {
                fix += "; the ExternalId it requires must equal the fleet file's external_id for account \(account.name)"
            }
            return [DoctorCheck("role", subject, .fail, "cannot assume \(role): \(Self.describe(error))", fix: fix)]
        }
    }

    /// A hook gets the account's session; it should not expire while the hook may run.
    func sessionLength(_ account: Account) -> [DoctorCheck] {
        let seconds = account.sessionSeconds ?? 3600
        let hooks = config.targets.filter { $0.account == account.name }.compactMap { t in t.postRestore.map { (t.name, $0.timeout) } }
        guard let longest = hooks.max(by: { $0.1 < $1.1 }), longest.1 > .seconds(seconds) else { return [] }
        let needed = Int(longest.1.components.seconds)
        return [DoctorCheck("session", "account \(account.name)", .warn,
                            "sessions last \(seconds) s, but target \(longest.0)'s post_restore hook may run \(needed) s with them",
                            fix: "set session_seconds: \(min(43_200, needed + 300)) on account \(account.name) and raise the role's MaximumSessionDuration to match")]
    }
}
