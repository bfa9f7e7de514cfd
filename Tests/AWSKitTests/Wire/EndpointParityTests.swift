import AWSKit
import Foundation
import SnapferryTestSupport
import Testing

/// snapferry's endpoint for each service and region is the one botocore resolves
/// (`client.meta.endpoint_url`, `Tests/python/botocore_endpoint.py`), across partitions, FIPS,
/// the AWS_ENDPOINT_URL variables, a profile's `endpoint_url` and `[services]` section, and
/// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS.
@Suite struct EndpointParityTests {
    struct Case: Encodable {
        var env: [String: String]
        var service: String
        var region: String
    }

    static let regions = ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1",
                          "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1"]

    @Test func sameEndpointsAsBotocore() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("endpoints-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(".aws"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            [default]
            region = eu-west-1
            [profile local]
            endpoint_url = http://127.0.0.1:4566
            services = local-services
            [profile fips]
            use_fips_endpoint = true
            [profile ignoring]
            endpoint_url = http://127.0.0.1:4566
            ignore_configured_endpoint_urls = true
            [services local-services]
            rds =
              endpoint_url = http://127.0.0.1:5000
            kms =
              endpoint_url = http://127.0.0.1:6000
            """.write(to: dir.appendingPathComponent(".aws/config"), atomically: true, encoding: .utf8)
        let home = ["HOME": dir.path]
        func with(_ extra: [String: String]) -> [String: String] { home.merging(extra) { a, _ in a } }

        var cases: [Case] = []
        for service in ["rds", "sts", "kms", "ec2"] {
            for region in Self.regions {
                cases.append(Case(env: home, service: service, region: region))
                cases.append(Case(env: with(["AWS_USE_FIPS_ENDPOINT": "true"]), service: service, region: region))
            }
            for env in [
                ["AWS_ENDPOINT_URL": "http://127.0.0.1:1111"],
                ["AWS_ENDPOINT_URL": "http://127.0.0.1:1111", "AWS_ENDPOINT_URL_\(service.uppercased())": "http://127.0.0.1:2222"],
                ["AWS_PROFILE": "local"],
                ["AWS_PROFILE": "local", "AWS_ENDPOINT_URL": "http://127.0.0.1:1111"],
                ["AWS_PROFILE": "fips"],
                ["AWS_PROFILE": "fips", "AWS_USE_FIPS_ENDPOINT": "false"],
                ["AWS_PROFILE": "ignoring"],
                ["AWS_PROFILE": "local", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true", "AWS_ENDPOINT_URL": "http://127.0.0.1:1111"],
            ] {
                cases.append(Case(env: with(env), service: service, region: "eu-west-1"))
            }
        }
        let json = String(decoding: try JSONEncoder().encode(cases), as: UTF8.self)
        // botocore builds a client per case (104): 37 s alone here, over 120 s with the suite and a bench beside it.
        let r = try await CommandRunner.run(TestPaths.python, [TestPaths.repoRoot + "/Tests/python/botocore_endpoint.py", json],
                                            timeout: .seconds(300))
        #expect(r.status == 0, "\(r.stderr)")
        let theirs = try JSONDecoder().decode([String].self, from: Data(r.stdout.utf8))
        try #require(theirs.count == cases.count)
        for (index, c) in cases.enumerated() {
            let ours = EndpointResolver.withProfile(environment: c.env).endpoint(serviceID: c.service, region: c.region)?.absoluteString
            #expect(ours == theirs[index], "\(c.service) \(c.region) \(c.env.filter { $0.key != "HOME" })")
        }
    }
}
