import AWSKit
import AWSSimulator
import Foundation
import SnapferryCore
import Testing

@Suite("STS, throttling and faults")
struct SimSTSAndFaultTests {
    @Test func assumeRole_checksTrustExternalIdDuration_andSessionsExpire() async throws {
        let (world, clock) = try SimFixture.world()
        let prodKey = SimCaller.accessKey("AKIAPROD000000000001", sessionToken: nil)
        let sts = SimSTS(world: world, caller: prodKey, region: SimFixture.region)
        #expect(try await sts.getCallerIdentity().arn == "arn:aws:iam::111111111111:user/snapferry")
        let denied = await SimFixture.awsError {
            _ = try await sts.assumeRole(roleArn: SimFixture.restoreRole, sessionName: "snap", externalId: "nope", durationSeconds: nil)
        }
        #expect(denied?.code == "AccessDenied")
        #expect(denied?.httpStatus == 403)
        #expect(denied?.message == "User: arn:aws:iam::111111111111:user/snapferry is not authorized to perform: sts:AssumeRole "
                + "on resource: \(SimFixture.restoreRole)")
        let devSTS = SimSTS(world: world, caller: .accessKey("AKIADEV0000000000001", sessionToken: nil), region: SimFixture.region)
        let untrusted = await SimFixture.code {
            _ = try await devSTS.assumeRole(roleArn: SimFixture.restoreRole, sessionName: "snap", externalId: "fleet-1", durationSeconds: nil)
        }
        #expect(untrusted == "AccessDenied")
        let tooLong = await SimFixture.awsError {
            _ = try await sts.assumeRole(roleArn: SimFixture.restoreRole, sessionName: "snap", externalId: "fleet-1", durationSeconds: 7201)
        }
        #expect(tooLong?.code == "ValidationError")
        #expect(tooLong?.message == "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")

        let session = try await sts.assumeRole(roleArn: SimFixture.restoreRole, sessionName: "snap", externalId: "fleet-1",
                                               durationSeconds: 900)
        #expect(session.assumedRoleArn == "arn:aws:sts::222222222222:assumed-role/snapferry-restore/snap")
        #expect(session.credential.accessKeyId.hasPrefix("ASIA"))
        #expect(await world.secret(forAccessKey: session.credential.accessKeyId) == session.credential.secretAccessKey)
        let asRole = SimCaller.accessKey(session.credential.accessKeyId, sessionToken: session.credential.sessionToken)
        let roleRDS = SimRDS(world: world, caller: asRole, region: SimFixture.region)
        #expect(try await roleRDS.describeAccountAttributes().count == 3)
        let chained = SimSTS(world: world, caller: asRole, region: SimFixture.region)
        #expect(try await chained.getCallerIdentity().account == SimFixture.dev)
        clock.advance(by: .seconds(900))
        let expired = await SimFixture.awsError { _ = try await roleRDS.describeAccountAttributes() }
        #expect(expired?.code == "ExpiredToken")
        #expect(expired?.httpStatus == 403)
        #expect(expired?.message == "The security token included in the request is expired")
        let unknown = SimSTS(world: world, caller: .accessKey("AKIANOPE", sessionToken: nil), region: SimFixture.region)
        #expect(await SimFixture.code { _ = try await unknown.getCallerIdentity() } == "InvalidClientTokenId")
    }

    @Test func throttling_afterTheBurst_recoversAsSimulatedTimePasses() async throws {
        let (world, clock) = try SimFixture.world(SimFixture.scenario(throttle: .init(burst: 10, ratePerSecond: 2)))
        let rds = SimFixture.rds(world, SimFixture.prod)
        for _ in 0..<10 { _ = try await rds.describeAccountAttributes() }
        let throttled = await SimFixture.awsError { _ = try await rds.describeAccountAttributes() }
        #expect(throttled?.code == "ThrottlingException")
        #expect(throttled?.message == "Rate exceeded")
        #expect(throttled?.httpStatus == 400)
        let other = SimFixture.rds(world, SimFixture.dev)
        _ = try await other.describeAccountAttributes()
        clock.advance(by: .seconds(1))
        _ = try await rds.describeAccountAttributes()
        _ = try await rds.describeAccountAttributes()
        #expect(await SimFixture.code { _ = try await rds.describeAccountAttributes() } == "ThrottlingException")
        let counts = await world.callCounts()
        #expect(counts["rds:DescribeAccountAttributes"] == 15)
        let refused = await world.calls().filter { $0.code == "ThrottlingException" }.count
        #expect(refused == 2)
    }

    @Test func faults_withAFixedSeed_areDeterministic() async throws {
        func run() async throws -> [String] {
            let (world, _) = try SimFixture.world()
            await world.setFaults(SimFaultRules(rules: [
                .init(service: "rds", operation: "DescribeDBClusters", errorRate: 0.3, code: "InternalFailure", status: 500),
                .init(latencyMs: [200, 5000], latencyRate: 0.2, resetRate: 0.1, truncateRate: 0.1),
            ]))
            var outcomes: [String] = []
            for _ in 0..<60 {
                let result = await world.execute(.describeDBClusters(.init()), caller: .account(SimFixture.prod), region: SimFixture.region)
                let code: String
                switch result.outcome {
                case .success: code = "ok"
                case .failure(let error): code = error.kind == .transport ? "reset" : error.code
                }
                outcomes.append("\(code)/\(result.transportFault.map { "\($0)" } ?? "-")/\(result.latency)")
            }
            return outcomes
        }
        let first = try await run()
        let second = try await run()
        #expect(first == second)
        #expect(first.contains { $0.hasPrefix("InternalFailure") })
        #expect(first.contains { $0.hasPrefix("reset") })
        #expect(first.contains { $0.contains("/truncate/") })
        #expect(first.contains { $0.hasPrefix("ok/-/") })
    }

    /// `skip: 2, times: 1` hits the third matching call and no other; calls of other operations do
    /// not count (hand-computed: calls 1, 2, 4, 5 succeed, call 3 is throttled).
    @Test func faults_skipThenTimes_hitExactlyTheNthMatchingCall() async throws {
        let (world, _) = try SimFixture.world()
        await world.setFaults(SimFaultRules(rules: [
            .init(service: "rds", operation: "DescribeDBClusters", errorRate: 1, code: "Throttling", status: 400,
                  times: 1, skip: 2),
        ]))
        var outcomes: [String] = []
        for _ in 0..<5 {
            _ = await world.execute(.describeDBClusterSnapshots(.init()), caller: .account(SimFixture.prod), region: SimFixture.region)
            let result = await world.execute(.describeDBClusters(.init()), caller: .account(SimFixture.prod), region: SimFixture.region)
            switch result.outcome {
            case .success: outcomes.append("ok")
            case .failure(let error): outcomes.append(error.code)
            }
        }
        #expect(outcomes == ["ok", "ok", "Throttling", "ok", "ok"])
    }

    @Test func wireEntry_decodesFlattenedQueryParameters() async throws {
        let (world, clock) = try SimFixture.world()
        let create = await world.handle(SimCall(accessKeyId: "AKIAPROD000000000001", region: SimFixture.region, service: "rds",
                                                operation: "CreateDBClusterSnapshot",
                                                params: ["DBClusterSnapshotIdentifier": "wire-1", "DBClusterIdentifier": "legacy",
                                                         "Tags.Tag.1.Key": "k", "Tags.Tag.1.Value": "v"]))
        guard case .success(.snapshot(let snapshot)) = create.outcome else { Issue.record("create failed"); return }
        #expect(snapshot.tags == [Tag("k", "v")])
        clock.advance(by: .seconds(60))
        let page = await world.handle(SimCall(accessKeyId: "AKIAPROD000000000001", region: SimFixture.region, service: "rds",
                                              operation: "DescribeDBClusterSnapshots",
                                              params: ["Filters.Filter.1.Name": "snapshot-type", "Filters.Filter.1.Values.Value.1": "manual",
                                                       "MaxRecords": "20"]))
        guard case .success(.snapshotPage(let snapshots)) = page.outcome else { Issue.record("describe failed"); return }
        #expect(snapshots.items.map(\.identifier) == ["wire-1"])
        let missing = await world.handle(SimCall(accessKeyId: "AKIAPROD000000000001", region: SimFixture.region, service: "rds",
                                                 operation: "CopyDBClusterSnapshot", params: [:]))
        #expect((try? missing.outcome.get()) == nil)
        let kms = await world.handle(SimCall(accessKeyId: "AKIAPROD000000000001", region: SimFixture.region, service: "kms",
                                             operation: "DescribeKey", params: ["KeyId": "alias/snapferry"]))
        guard case .success(.keyMetadata(let key)) = kms.outcome else { Issue.record("kms failed"); return }
        #expect(key.arn == SimFixture.cmk)
        let calls = await world.calls()
        #expect(calls.map(\.status) == [200, 200, 400, 200])
        #expect(calls[2].code == "MissingParameter")
    }
}
