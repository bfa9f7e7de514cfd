import AWSKit
import AWSSimulator
import Foundation

/// Writes KMS (awsJson1_1) answers: `{"KeyMetadata": {...}}`, `{"Policy": ...}`,
/// `{"Aliases": [...], "Truncated": ...}`, and errors as
/// `{"__type": "NotFoundException", "message": "…"}`. Timestamps are epoch seconds.
enum KMSJSONWriter {
    /// The JSON body for a successful KMS answer.
    static func body(for response: SimResponse) -> Data {
        var object: [String: Any] = [:]
        switch response {
        case .keyMetadata(let key):
            var metadata: [String: Any] = [
                "KeyId": key.keyId, "Arn": key.arn, "KeyManager": key.keyManager, "KeyState": key.keyState,
                "Enabled": key.enabled, "KeyUsage": "ENCRYPT_DECRYPT", "KeySpec": "SYMMETRIC_DEFAULT",
                "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS", "MultiRegion": false,
                "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
                "Description": key.description ?? "",
            ]
            if let account = accountOf(arn: key.arn) { metadata["AWSAccountId"] = account }
            object["KeyMetadata"] = metadata
        case .keyPolicy(let policy):
            object = ["Policy": policy, "PolicyName": "default"]
        case .aliasPage(let page):
            object["Aliases"] = page.items.map { alias -> [String: Any] in
                var entry: [String: Any] = ["AliasName": alias.name, "AliasArn": alias.arn]
                if let target = alias.targetKeyId { entry["TargetKeyId"] = target }
                return entry
            }
            object["Truncated"] = page.marker != nil
            if let marker = page.marker { object["NextMarker"] = marker }
        default:
            break
        }
        return encode(object)
    }

    /// The JSON body of a KMS error.
    static func error(code: String, message: String) -> Data {
        encode(["__type": code, "message": message])
    }

    /// The account id field of an ARN (`arn:aws:kms:<region>:<account>:…`).
    static func accountOf(arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 4 && !parts[4].isEmpty ? String(parts[4]) : nil
    }

    private static func encode(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }
}
