import AWSKit
import AWSSimulator
import Foundation
import SnapferryEngine
import SnapferryConfig

/// `FleetAWS` over an in-process `SimWorld`: every fleet account acts as the
/// simulator's root principal of that account (`SimCaller.account(id)`), in the
/// region asked for. No credentials, no HTTP, no rate limiter: the world's own
/// throttling and the injected clock are the only limits.
public struct SimFleetAWS: FleetAWS {
    /// The simulated world.
    public let world: SimWorld
    /// Sleeps for the simulator's injected latency (e.g. on a `ManualClock`); nil ignores latency.
    public let sleep: (@Sendable (Duration) async throws -> Void)?

    /// Creates the adapter over `world`.
    public init(world: SimWorld, sleep: (@Sendable (Duration) async throws -> Void)? = nil) {
        self.world = world
        self.sleep = sleep
    }

    /// RDS as `account`, in `region`.
    public func rds(_ account: Account, region: String) -> any RDSAPI {
        SimRDS(world: world, caller: .account(account.id), region: region, sleep: sleep)
    }

    /// STS as `account`.
    public func sts(_ account: Account, region: String) -> any STSAPI {
        SimSTS(world: world, caller: .account(account.id), region: region)
    }

    /// KMS as `account`, in `region`.
    public func kms(_ account: Account, region: String) -> any KMSAPI {
        SimKMS(world: world, caller: .account(account.id), region: region)
    }

    /// EC2 as `account`, in `region`.
    public func ec2(_ account: Account, region: String) -> any EC2API {
        SimEC2(world: world, caller: .account(account.id), region: region)
    }

    /// Always `simulator`.
    public func credentialSource(_ account: Account) async -> String { "simulator" }
}
