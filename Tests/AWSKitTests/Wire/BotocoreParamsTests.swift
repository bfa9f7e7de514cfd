import AWSKit
import Foundation
import Testing

/// Every parameter name the live clients send must exist in botocore's model
/// of that operation (checked by `Tests/python/check_botocore_params.py`).
@Suite struct BotocoreParamsTests {
    @Test func liveClients_callEveryOperationWithEveryOption_sendOnlyParameterNamesBotocoreKnows() async throws {
        let requests = try await ClientExercise.run()
        let operations = Set(requests.map { "\($0.service):\($0.operation)" })
        #expect(operations == ClientExercise.expectedOperations,
                "missing: \(ClientExercise.expectedOperations.subtracting(operations).sorted()), unexpected: \(operations.subtracting(ClientExercise.expectedOperations).sorted())")
        #expect(requests.count == ClientExercise.expectedOperations.count)

        let outcome = try BotocoreChecker.check(CapturedRequest.checkerInput(requests))
        #expect(outcome.status == 0, "check_botocore_params.py exit \(outcome.status):\n\(outcome.output)")
        if outcome.status == 0 {
            #expect(outcome.output.contains("OK: \(requests.count) requests"), "\(outcome.output)")
        }
    }

    @Test func liveClients_sendTheListAndStructureFlatteningBotocoreUses() async throws {
        let requests = try await ClientExercise.run()
        func params(_ operation: String) -> [String: Any] {
            guard let data = requests.first(where: { $0.operation == operation })?.checkerEntry,
                  let entry = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
            return entry["params"] as? [String: Any] ?? [:]
        }
        let describe = params("DescribeDBClusters")
        #expect(describe["Filters.Filter.2.Values.Value.2"] as? String == "aurora-mysql")
        let restore = params("RestoreDBClusterFromSnapshot")
        #expect(restore["Tags.Tag.2.Key"] as? String == "team")
        #expect(restore["VpcSecurityGroupIds.VpcSecurityGroupId.2"] as? String == "sg-2")
        #expect(restore["ServerlessV2ScalingConfiguration.MinCapacity"] as? String == "0.5")
        #expect(params("ListAliases")["Limit"] as? Int == 100)
        #expect(params("DescribeSecurityGroups")["GroupId.2"] as? String == "sg-0fedcba9876543210")
    }

    @Test func checker_givenAMisspeltNameAWrongVersionAndAMissingRequiredMember_exitsOneNamingEach() throws {
        let input = Data("""
            [{"service": "rds", "operation": "DescribeDBClusters", "protocol": "query", "version": "2014-10-31",
              "params": {"Filters.Filter.1.Nmae": "db-cluster-id", "Filters.Filter.1.Values.Value.1": "a"}},
             {"service": "sts", "operation": "AssumeRole", "version": "2011-06-16", "params": {"RoleArn": "arn"}},
             {"service": "kms", "operation": "ListAliases", "protocol": "json", "targetPrefix": "TrentService",
              "params": {"KeyID": "k"}}]
            """.utf8)
        let outcome = try BotocoreChecker.check(input)
        #expect(outcome.status == 1, "\(outcome.output)")
        #expect(outcome.output.contains("'Filters.Filter.1.Nmae': 'Nmae' (in Filters.Filter.1) is not a member of Filter"),
                "\(outcome.output)")
        #expect(outcome.output.contains("required member 'Filters.Filter.1.Name' (shape Filter) is missing"), "\(outcome.output)")
        #expect(outcome.output.contains("Version '2011-06-16' sent, model apiVersion is '2011-06-15'"), "\(outcome.output)")
        #expect(outcome.output.contains("required member 'RoleSessionName' (shape AssumeRoleRequest) is missing"),
                "\(outcome.output)")
        #expect(outcome.output.contains("JSON key 'KeyID' is not a member of the input"), "\(outcome.output)")
    }

    @Test func checker_givenRDSStyleListsForEC2_exitsOneNamingEach() throws {
        let input = Data("""
            [{"service": "ec2", "operation": "DescribeSecurityGroups", "protocol": "ec2", "version": "2016-11-15",
              "params": {"GroupIds.member.1": "sg-0123456789abcdef0", "GroupId.member.1": "sg-0123456789abcdef0"}},
             {"service": "ec2", "operation": "DescribeSecurityGroups", "protocol": "query", "params": {"GroupId.1": "sg-1"}}]
            """.utf8)
        let outcome = try BotocoreChecker.check(input)
        #expect(outcome.status == 1, "\(outcome.output)")
        #expect(outcome.output.contains("'GroupIds.member.1': 'GroupIds' is not a member of DescribeSecurityGroupsRequest"),
                "\(outcome.output)")
        #expect(outcome.output.contains("'GroupId.member.1': after 'GroupId' comes a 1-based index, got 'member'"), "\(outcome.output)")
        #expect(outcome.output.contains("sent as 'query', model protocol is 'ec2'"), "\(outcome.output)")
    }

    @Test func checker_givenAnOperationBotocoreDoesNotKnow_exitsOne() throws {
        let input = Data(#"[{"service": "rds", "operation": "DescribeDBClusterz", "params": []}]"#.utf8)
        let outcome = try BotocoreChecker.check(input)
        #expect(outcome.status == 1, "\(outcome.output)")
        #expect(outcome.output.contains("operation 'DescribeDBClusterz' does not exist in botocore's rds model"),
                "\(outcome.output)")
    }
}
