import AWSKit
import AWSSimulator
import Foundation
import Testing

@Suite("SimServer: /_sim admin endpoints and faults")
struct SimServerAdminTests {
    @Test("/_sim/now starts at the scenario start and /_sim/advance moves it by the given seconds")
    func advance_movesNow() async throws {
        try await SimServerFixture.withServer { sim in
            let (_, before) = try await sim.admin("GET", "/_sim/now")
            #expect(before["now"] as? String == "2026-12-01T00:00:00.000Z")
            let (status, advanced) = try await sim.admin("POST", "/_sim/advance", json: #"{"seconds": 90.5}"#)
            #expect(status == 200)
            #expect(advanced["now"] as? String == "2026-12-01T00:01:30.500Z")
            let (_, after) = try await sim.admin("GET", "/_sim/now")
            #expect(after["now"] as? String == "2026-12-01T00:01:30.500Z")
            let (refused, _) = try await sim.admin("POST", "/_sim/advance", json: #"{"seconds": -1}"#)
            #expect(refused == 400)
        }
    }

    @Test("/_sim/calls lists each call with status and code, counts them, and honours ?since")
    func calls_listAndCountAndFilter() async throws {
        try await SimServerFixture.withServer { sim in
            let rds = RDSClient(client: sim.client())
            _ = try await rds.describeDBClusters(DescribeDBClustersInput())
            _ = await SimServerFixture.error { _ = try await rds.deleteDBClusterSnapshot(identifier: "missing") }
            _ = try await sim.admin("POST", "/_sim/advance", json: #"{"seconds": 60}"#)
            _ = try await rds.describeDBClusters(DescribeDBClustersInput())

            let (_, all) = try await sim.admin("GET", "/_sim/calls")
            let calls = try #require(all["calls"] as? [[String: Any]])
            #expect(calls.map { $0["operation"] as? String } == ["DescribeDBClusters", "DeleteDBClusterSnapshot", "DescribeDBClusters"])
            #expect(calls[1]["status"] as? Int == 404)
            #expect(calls[1]["code"] as? String == "DBClusterSnapshotNotFoundFault")
            #expect(calls[0]["code"] is NSNull)
            #expect(calls[0]["account"] as? String == SimServerFixture.prod)
            #expect(calls[2]["t"] as? String == "2026-12-01T00:01:00.000Z")
            let counts = try #require(all["counts"] as? [String: Int])
            #expect(counts == ["rds:DescribeDBClusters": 2, "rds:DeleteDBClusterSnapshot": 1])

            let (_, recent) = try await sim.admin("GET", "/_sim/calls?since=2026-12-01T00:00:30Z")
            #expect((recent["calls"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test("An invalid scenario posted to /_sim/scenario is refused with 400 and the offending path")
    func invalidScenario_returns400WithPath() async throws {
        try await SimServerFixture.withServer { sim in
            let (status, body) = try await sim.admin("POST", "/_sim/scenario", json: #"{"start": "2026-12-01T00:00:00Z", "accounts": [{"id": 7}]}"#)
            #expect(status == 400)
            let message = try #require(body["error"] as? String)
            #expect(message.contains("accounts[0].id"))
        }
    }

    @Test("A fault rule with error_rate 1.0 answers its code and status for the matched operation only")
    func errorRule_returnsConfiguredCode() async throws {
        try await SimServerFixture.withServer { sim in
            let (status, _) = try await sim.admin("POST", "/_sim/faults", json: """
                {"rules": [{"service": "rds", "operation": "DescribeDBClusters", "error_rate": 1.0,
                            "code": "InternalFailure", "status": 500}]}
                """)
            #expect(status == 200)
            let rds = RDSClient(client: sim.client())
            let error = await SimServerFixture.error { _ = try await rds.describeDBClusters(DescribeDBClustersInput()) }
            #expect(error?.code == "InternalFailure")
            #expect(error?.httpStatus == 500)
            _ = try await rds.describeAccountAttributes()

            _ = try await sim.admin("POST", "/_sim/faults", json: #"{"rules": []}"#)
            _ = try await rds.describeDBClusters(DescribeDBClustersInput())
        }
    }

    @Test("A truncate rule cuts the body in half, which the live client reports as a malformed response")
    func truncateRule_yieldsMalformedResponse() async throws {
        try await SimServerFixture.withServer { sim in
            _ = try await sim.admin("POST", "/_sim/faults", json: #"{"rules": [{"service": "*", "truncate_rate": 1.0}]}"#)
            let error = await SimServerFixture.error {
                _ = try await RDSClient(client: sim.client()).describeDBClusters(DescribeDBClustersInput())
            }
            #expect(error?.kind == .malformedResponse)
            #expect(error?.httpStatus == 200)
        }
    }

    @Test("A reset rule closes the connection without an answer, which the live client reports as a transport error")
    func resetRule_yieldsTransportError() async throws {
        try await SimServerFixture.withServer { sim in
            _ = try await sim.admin("POST", "/_sim/faults", json: #"{"rules": [{"service": "sts", "reset_rate": 1.0}]}"#)
            let error = await SimServerFixture.error { _ = try await STSClient(client: sim.client()).getCallerIdentity() }
            #expect(error?.kind == .transport)
            let (_, calls) = try await sim.admin("GET", "/_sim/calls")
            #expect((calls["calls"] as? [[String: Any]])?.first?["status"] as? Int == 0)
        }
    }
}
