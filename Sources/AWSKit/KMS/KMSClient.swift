import Foundation

/// The live KMS client (JSON 1.1, `TrentService`).
public struct KMSClient: KMSAPI {
    let client: AWSClient

    /// Creates a client that sends through `client`.
    public init(client: AWSClient) { self.client = client }

    private func malformed(_ operation: String, _ what: String) -> AWSError {
        AWSError(kind: .malformedResponse, service: "kms", operation: operation, code: "", message: what)
    }

    /// DescribeKey.
    public func describeKey(keyId: String) async throws -> KeyMetadata {
        let object = try await client.json(.kms, operation: "DescribeKey", ["KeyId": keyId])
        guard let m = object["KeyMetadata"] as? [String: Any], let id = m["KeyId"] as? String, let arn = m["Arn"] as? String else {
            throw malformed("DescribeKey", "answer has no KeyMetadata with KeyId and Arn")
        }
        return KeyMetadata(keyId: id, arn: arn, keyManager: m["KeyManager"] as? String ?? "",
                           keyState: m["KeyState"] as? String ?? "", enabled: m["Enabled"] as? Bool ?? false,
                           description: m["Description"] as? String)
    }

    /// GetKeyPolicy (`default`).
    public func getKeyPolicy(keyId: String) async throws -> String {
        let object = try await client.json(.kms, operation: "GetKeyPolicy", ["KeyId": keyId, "PolicyName": "default"])
        guard let policy = object["Policy"] as? String else { throw malformed("GetKeyPolicy", "answer has no Policy") }
        return policy
    }

    /// ListAliases.
    public func listAliases(keyId: String?, limit: Int?, marker: String?) async throws -> Page<KMSAlias> {
        var payload: [String: any Sendable] = [:]
        if let keyId { payload["KeyId"] = keyId }
        if let limit { payload["Limit"] = limit }
        if let marker { payload["Marker"] = marker }
        let object = try await client.json(.kms, operation: "ListAliases", payload)
        let aliases = (object["Aliases"] as? [[String: Any]] ?? []).compactMap { a -> KMSAlias? in
            guard let name = a["AliasName"] as? String else { return nil }
            return KMSAlias(name: name, arn: a["AliasArn"] as? String ?? "", targetKeyId: a["TargetKeyId"] as? String)
        }
        let truncated = object["Truncated"] as? Bool ?? false
        return Page(items: aliases, marker: truncated ? object["NextMarker"] as? String : nil)
    }
}
