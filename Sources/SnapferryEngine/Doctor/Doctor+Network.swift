import AWSKit
import Foundation
import SnapferryConfig

extension Doctor {
    /// The subnet group and parameter groups a target names exist in its account and region.
    func network(_ target: Target, rds: any RDSAPI) async -> [DoctorCheck] {
        []
    }
}
