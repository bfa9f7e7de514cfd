import Foundation
import SnapferryConfig
import Testing

@Suite struct EndpointSettingsTests {
    @Test func endpoints_takeAURLPerServiceIncludingEC2() throws {
        let yaml = minimalFleet + """

            endpoints:
              url: http://127.0.0.1:4566
              ec2: http://127.0.0.1:4567
            """
        let config = try FleetLoader.load(yaml: yaml, file: "f.yaml").get()
        #expect(config.endpoints.url == "http://127.0.0.1:4566")
        #expect(config.endpoints.services == ["ec2": "http://127.0.0.1:4567"])
    }

    @Test func endpoints_refuseAServiceSnapferryDoesNotCall() {
        let got = diagnostics(minimalFleet + "\nendpoints:\n  s3: http://127.0.0.1:4566\n")
        #expect(got.count == 1)
        #expect(got.first?.contains("allowed: url, rds, sts, kms, ec2") == true, "\(got)")
    }
}
