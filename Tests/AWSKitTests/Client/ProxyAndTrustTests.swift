import AWSKit
import Foundation
import SnapferryTestSupport
import Testing

/// HTTPS_PROXY/HTTP_PROXY/NO_PROXY and AWS_CA_BUNDLE through the live transport and a real STS
/// client: a TLS stand-in whose certificate is signed by nobody the system trusts
/// (`fake_credential_peers.py --tls-cert`), and a tunnelling proxy that records what it was asked
/// to connect to (`fake_proxy.py`). The oracle is what the peers saw and whether the call worked.
@Suite(.serialized) struct ProxyAndTrustTests {
    struct Peers {
        var dir: URL
        var tlsPort: String
        var proxyPort: String
        var bundle: String
        var tls: PeerProcess
        var proxy: PeerProcess
    }

    static func peers() async throws -> Peers {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let made = try await CommandRunner.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
            "-subj", "/CN=snapferry test endpoint", "-addext", "subjectAltName=DNS:sts.proxied.test,IP:127.0.0.1",
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let (tls, tlsPort) = try await PeerProcess.start(
            [TestPaths.python, TestPaths.repoRoot + "/Tests/python/fake_credential_peers.py", "--tls-cert", cert, "--tls-key", key],
            waitFor: #"tls on 127\.0\.0\.1:(\d+)"#, timeout: .seconds(30))
        let (proxy, proxyPort) = try await PeerProcess.start(
            [TestPaths.python, TestPaths.repoRoot + "/Tests/python/fake_proxy.py", "--auth", "ops:s3cret"],
            waitFor: #"proxy on 127\.0\.0\.1:(\d+)"#, timeout: .seconds(30))
        return Peers(dir: dir, tlsPort: tlsPort, proxyPort: proxyPort, bundle: cert, tls: tls, proxy: proxy)
    }

    /// GetCallerIdentity at `endpoint` with the network settings of `environment`.
    static func callerIdentity(_ endpoint: String, _ environment: [String: String]) async throws -> CallerIdentity {
        let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(5), network: try NetworkSettings.from(environment: environment))
        defer { Task { try? await transport.shutdown() } }
        let client = AWSClient(account: nil, region: "us-east-1",
                               credentials: .static(.init(accessKeyId: "AKIDPROXYTEST", secretAccessKey: "s")),
                               transport: transport, endpoints: EndpointResolver(environment: ["AWS_ENDPOINT_URL": endpoint]),
                               retry: .standard(maxAttempts: 1))
        return try await STSClient(client: client).getCallerIdentity()
    }

    static func seen(_ peers: Peers) async throws -> [String] {
        let r = try await CommandRunner.run(TestPaths.python, ["-c", """
            import sys, urllib.request
            print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())
            """, "http://127.0.0.1:\(peers.proxyPort)/_seen"])
        return try JSONDecoder().decode([String].self, from: Data(r.stdout.utf8))
    }

    @Test func privateCertificateAuthority_needsAWSCABundle_andWorksWithIt() async throws {
        let peers = try await Self.peers()
        defer { peers.tls.stop(); peers.proxy.stop(); try? FileManager.default.removeItem(at: peers.dir) }
        let endpoint = "https://127.0.0.1:\(peers.tlsPort)/sts"
        let refused = await #expect(throws: AWSError.self) { try await Self.callerIdentity(endpoint, [:]) }
        #expect(refused?.message.contains("TLS failed") == true, "\(String(describing: refused))")
        #expect(refused?.message.contains("set AWS_CA_BUNDLE") == true)
        let identity = try await Self.callerIdentity(endpoint, ["AWS_CA_BUNDLE": peers.bundle])
        #expect(identity.arn == "arn:aws:iam::111122223333:user/fake")
    }

    @Test func httpsProxy_tunnelsWithBasicAuth_andNoProxyGoesDirect() async throws {
        let peers = try await Self.peers()
        defer { peers.tls.stop(); peers.proxy.stop(); try? FileManager.default.removeItem(at: peers.dir) }
        // `sts.proxied.test` resolves only at the proxy: a call that works went through it.
        let endpoint = "https://sts.proxied.test:\(peers.tlsPort)/sts"
        var env = ["AWS_CA_BUNDLE": peers.bundle, "HTTPS_PROXY": "http://ops:s3cret@127.0.0.1:\(peers.proxyPort)"]
        let identity = try await Self.callerIdentity(endpoint, env)
        #expect(identity.account == "111122223333")
        #expect(try await Self.seen(peers) == ["sts.proxied.test:\(peers.tlsPort)"])

        // The lower-case variable wins (urllib's rule): a wrong password there is refused by the proxy.
        env["https_proxy"] = "http://ops:wrong@127.0.0.1:\(peers.proxyPort)"
        let refused = await #expect(throws: AWSError.self) { try await Self.callerIdentity(endpoint, env) }
        #expect(refused?.message.contains("via proxy 127.0.0.1:\(peers.proxyPort) (https_proxy)") == true, "\(String(describing: refused))")
        #expect(refused?.message.contains("wrong") == false)

        // NO_PROXY: connected directly, where the name does not resolve; the proxy is not asked again.
        env["https_proxy"] = nil
        env["NO_PROXY"] = "localhost,.proxied.test"
        await #expect(throws: AWSError.self) { try await Self.callerIdentity(endpoint, env) }
        #expect(try await Self.seen(peers).count == 2)
    }

    @Test func proxyURLs_thatCannotBeUsed_areRefusedNamingTheVariable_withoutThePassword() throws {
        let https = #expect(throws: AWSError.self) {
            try NetworkSettings.from(environment: ["HTTPS_PROXY": "https://u:topsecret@proxy.corp:3128"])
        }
        #expect(https?.message.contains("HTTPS_PROXY=…@proxy.corp:3128 uses https://") == true, "\(String(describing: https))")
        #expect(https?.message.contains("topsecret") == false)
        let bundle = #expect(throws: AWSError.self) { try NetworkSettings.from(environment: ["AWS_CA_BUNDLE": "/nonexistent.pem"]) }
        #expect(bundle?.message.contains("AWS_CA_BUNDLE names /nonexistent.pem, which cannot be read") == true)
    }

    @Test func metadataAndLoopbackEndpoints_neverGoThroughAProxy_andAnEmptyVariableTurnsItOff() throws {
        let settings = try NetworkSettings.from(environment: ["HTTP_PROXY": "http://proxy.corp:3128", "HTTPS_PROXY": "http://proxy.corp:3128"])
        for url in ["http://169.254.169.254/latest/api/token", "http://169.254.170.2/v2/credentials/x", "http://127.0.0.1:8080/c",
                    "http://localhost:9/c", "http://[fd00:ec2::254]/latest"] {
            #expect(settings.proxy(for: URL(string: url)!) == nil, "\(url)")
        }
        #expect(settings.proxy(for: URL(string: "https://rds.eu-west-1.amazonaws.com")!)?.host == "proxy.corp")
        let off = try NetworkSettings.from(environment: ["https_proxy": "", "HTTPS_PROXY": "http://proxy.corp:3128"])
        #expect(off.proxy(for: URL(string: "https://rds.eu-west-1.amazonaws.com")!) == nil)
    }

    /// NO_PROXY decisions agree with Python's `urllib.request.proxy_bypass_environment`, which botocore uses.
    @Test func noProxyMatching_agreesWithUrllib() async throws {
        let cases: [(noProxy: String, host: String, port: Int?)] = [
            ("*", "rds.eu-west-1.amazonaws.com", nil),
            (".amazonaws.com", "rds.eu-west-1.amazonaws.com", nil),
            ("amazonaws.com", "rds.eu-west-1.amazonaws.com", nil),
            ("amazonaws.com", "notamazonaws.com", nil),
            ("rds.eu-west-1.amazonaws.com", "rds.eu-west-1.amazonaws.com", nil),
            ("sts.amazonaws.com", "rds.eu-west-1.amazonaws.com", nil),
            ("localhost, 169.254.169.254", "169.254.169.254", nil),
            ("internal:8443", "internal", 8443),
            ("internal:8443", "internal", 443),
            ("KMS.EU-WEST-1.AMAZONAWS.COM", "kms.eu-west-1.amazonaws.com", nil),
            ("", "kms.eu-west-1.amazonaws.com", nil),
        ]
        let script = """
            import json, sys, urllib.request
            out = []
            for no_proxy, host, port in json.loads(sys.argv[1]):
                target = host + (f":{port}" if port else "")
                out.append(bool(urllib.request.proxy_bypass_environment(target, {"no": no_proxy})))
            print(json.dumps(out))
            """
        let json = String(decoding: try JSONSerialization.data(withJSONObject: cases.map { [$0.noProxy, $0.host, $0.port as Any? ?? NSNull()] }),
                          as: UTF8.self)
        let r = try await CommandRunner.run(TestPaths.python, ["-c", script, json])
        let theirs = try JSONDecoder().decode([Bool].self, from: Data(r.stdout.utf8))
        let ours = try cases.map { c in
            try NetworkSettings.from(environment: ["NO_PROXY": c.noProxy]).bypasses(host: c.host.lowercased(), port: c.port)
        }
        #expect(ours == theirs, "\(r.stderr)")
        #expect(theirs.count == cases.count)
    }
}
