import AWSSigV4
import Foundation

/// One folder of the AWS signing test suite (Fixtures/aws-signing-test-suite/v4).
struct SigningTestCase {
    struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }
        var credentials: Credentials
        var expiration_in_seconds: Int
        var normalize: Bool
        var region: String
        var service: String
        var sign_body: Bool
        var timestamp: String
        var omit_session_token: Bool?
    }

    enum LoadError: Error { case missingFixtures, badTimestamp(String) }

    let name: String
    let context: Context
    let request: RawHTTPRequest
    let date: Date
    private let folder: URL

    static func suiteFolder() throws -> URL {
        guard let root = Bundle.module.resourceURL else { throw LoadError.missingFixtures }
        return root.appendingPathComponent("Fixtures/aws-signing-test-suite/v4")
    }

    /// The case folder names, sorted; empty when the fixtures are missing
    /// (a separate test asserts the count so that cannot pass silently).
    static func allNames() -> [String] {
        guard let folder = try? suiteFolder(),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [] }
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    init(_ name: String) throws {
        self.name = name
        folder = try Self.suiteFolder().appendingPathComponent(name)
        context = try JSONDecoder().decode(Context.self, from: Data(contentsOf: folder.appendingPathComponent("context.json")))
        request = try RawHTTPRequest(parsing: try String(contentsOf: folder.appendingPathComponent("request.txt"), encoding: .utf8))
        guard let parsed = try? Date(context.timestamp, strategy: .iso8601) else {
            throw LoadError.badTimestamp(context.timestamp)
        }
        date = parsed
    }

    func expected(_ file: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent("\(file).txt"), encoding: .utf8)
    }

    var signer: SigV4Signer {
        SigV4Signer(
            credential: AWSCredential(
                accessKeyId: context.credentials.access_key_id,
                secretAccessKey: context.credentials.secret_access_key,
                sessionToken: context.credentials.token),
            region: context.region, service: context.service)
    }

    var options: SigV4Options {
        SigV4Options(
            normalizePath: context.normalize, signBody: context.sign_body,
            omitSessionToken: context.omit_session_token ?? false)
    }
}
