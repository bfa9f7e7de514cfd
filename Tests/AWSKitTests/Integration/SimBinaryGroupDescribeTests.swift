import AWSKit
import AWSSigV4
import Foundation
import SnapferryTestSupport
import Testing

/// The live RDS client against the built `snapferry-sim` binary: DescribeDBSubnetGroups,
/// DescribeDBClusterParameterGroups and DescribeDBParameterGroups, signed, over HTTP, paged.
@Suite(.timeLimit(.minutes(2))) struct SimBinaryGroupDescribeTests {
    static let prod = "111111111111", dev = "222222222222"

    /// Prod: two subnet groups, two cluster parameter groups (one MySQL), one DB parameter group and two
    /// clusters (PostgreSQL 16 with an instance, MySQL 8.0 without); dev: 130 of each group, more than a page.
    static var scenario: String {
        func groups(_ account: String, _ names: [String], family: String? = nil) -> String {
            names.map { #"{"account": "\#(account)", "region": "eu-west-1", "name": "\#($0)""#
                + (family.map { #", "family": "\#($0)""# } ?? "") + "}" }.joined(separator: ", ")
        }
        let bulk = (0..<130).map { String(format: "team-%03d", $0) }
        return """
            {"start": "2026-12-01T00:00:00Z", "regions": ["eu-west-1"],
             "accounts": [{"id": "\(prod)", "access_keys": [{"id": "AKIAPROD000000000001", "secret": "prod-secret"}]},
                          {"id": "\(dev)", "access_keys": [{"id": "AKIADEV0000000000001", "secret": "dev-secret"}]}],
             "db_subnet_groups": [\(groups(prod, ["orders-net", "App-Net"])), \(groups(dev, bulk))],
             "db_cluster_parameter_groups": [\(groups(prod, ["orders-pg16"])), \(groups(prod, ["legacy-mysql"], family: "aurora-mysql8.0")),
                                             \(groups(dev, bulk))],
             "db_parameter_groups": [\(groups(prod, ["orders-instance"])), \(groups(dev, bulk))],
             "clusters": [{"account": "\(prod)", "region": "eu-west-1", "id": "orders-prod", "instances": 1},
                          {"account": "\(prod)", "region": "eu-west-1", "id": "legacy-mysql", "engine": "aurora-mysql",
                           "engine_version": "8.0.mysql_aurora.3.05.2", "instances": 0}]}
            """
    }

    static func rds(_ endpoint: String, account: String, key: String, secret: String, _ transport: AsyncHTTPClientTransport) -> RDSClient {
        RDSClient(client: AWSClient(account: account, region: "eu-west-1",
                                    credentials: StaticCredentialProvider(AWSCredential(accessKeyId: key, secretAccessKey: secret)),
                                    transport: transport, endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": endpoint]),
                                    retry: .standard(maxAttempts: 1)))
    }

    static func error(_ body: () async throws -> Void) async -> AWSError? {
        do { try await body(); return nil } catch { return error as? AWSError }
    }

    @Test func describes_overHTTP_pageToTheEnd_readEveryField_andRefuseMissingGroupsWithTheirCodesAndHints() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sim-groups-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let scenarioPath = dir.appendingPathComponent("scenario.json").path
        try Self.scenario.write(toFile: scenarioPath, atomically: true, encoding: .utf8)
        let sim = try await SimProcess.start(scenarioPath: scenarioPath, timeScale: 0)
        defer { sim.stop() }
        let transport = AsyncHTTPClientTransport()
        defer { Task { try? await transport.shutdown() } }
        let prod = Self.rds(sim.endpoint, account: Self.prod, key: "AKIAPROD000000000001", secret: "prod-secret", transport)
        let dev = Self.rds(sim.endpoint, account: Self.dev, key: "AKIADEV0000000000001", secret: "dev-secret", transport)

        let subnets = try await prod.describeDBSubnetGroups(name: nil)
        #expect(subnets.map(\.name) == ["app-net", "orders-net"])
        let net = try #require(try await prod.describeDBSubnetGroups(name: "Orders-Net").first)
        #expect(net.arn == "arn:aws:rds:eu-west-1:111111111111:subgrp:orders-net")
        #expect(net.status == "Complete")
        #expect(net.vpcId.hasPrefix("vpc-") && net.vpcId == subnets.first?.vpcId)
        #expect(net.availabilityZones == ["eu-west-1a", "eu-west-1b"])
        #expect(net.subnetIds.count == 2 && net.subnetIds.allSatisfy { $0.hasPrefix("subnet-") })

        let clusterGroups = try await prod.describeDBClusterParameterGroups(name: nil)
        #expect(clusterGroups.map(\.name) == ["default.aurora-mysql8.0", "default.aurora-postgresql16", "legacy-mysql", "orders-pg16"])
        #expect(clusterGroups.map(\.family) == ["aurora-mysql8.0", "aurora-postgresql16", "aurora-mysql8.0", "aurora-postgresql16"])
        #expect(clusterGroups.first?.description == "Default cluster parameter group for aurora-mysql8.0")
        #expect(clusterGroups.last?.arn == "arn:aws:rds:eu-west-1:111111111111:cluster-pg:orders-pg16")
        for cluster in try await prod.allDBClusters(.init()).collect() {
            #expect(clusterGroups.contains { $0.name == cluster.clusterParameterGroup }, "\(cluster.identifier)")
        }
        let instanceGroups = try await prod.describeDBParameterGroups(name: nil)
        #expect(instanceGroups.map(\.name) == ["default.aurora-postgresql16", "orders-instance"])
        #expect(try await prod.describeDBParameterGroups(name: "default.aurora-mysql8.0").map(\.family) == ["aurora-mysql8.0"])

        // 130 groups take two pages of 100: the client follows the Marker until the last one.
        #expect(try await dev.describeDBSubnetGroups(name: nil).map(\.name) == (0..<130).map { String(format: "team-%03d", $0) })
        #expect(try await dev.describeDBClusterParameterGroups(name: nil).count == 130)
        #expect(try await dev.describeDBParameterGroups(name: nil).count == 130)
        let calls = try await sim.calls().filter { $0.account == Self.dev }
        for operation in ["DescribeDBSubnetGroups", "DescribeDBClusterParameterGroups", "DescribeDBParameterGroups"] {
            #expect(calls.filter { $0.operation == operation && $0.code == nil }.count == 2, "\(operation)")
        }

        let subnet = await Self.error { _ = try await dev.describeDBSubnetGroups(name: "orders-net") }
        #expect(subnet?.code == "DBSubnetGroupNotFoundFault")
        #expect(subnet?.hint?.contains("`subnet_group`") == true)
        let cluster = await Self.error { _ = try await dev.describeDBClusterParameterGroups(name: "orders-pg16") }
        #expect(cluster?.code == "DBParameterGroupNotFound")
        #expect(cluster?.httpStatus == 404)
        #expect(cluster?.message == "DBClusterParameterGroup not found: orders-pg16")
        #expect(cluster?.hint?.contains("`parameter_group`") == true)
        let instance = await Self.error { _ = try await dev.describeDBParameterGroups(name: "orders-instance") }
        #expect(instance?.code == "DBParameterGroupNotFound")
        #expect(instance?.hint?.contains("`instance_parameter_group`") == true)
    }
}
