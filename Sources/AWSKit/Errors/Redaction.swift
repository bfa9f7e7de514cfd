import Foundation

/// Keeps credentials out of error text. AWS's `SignatureDoesNotMatch` message carries the
/// canonical request it computed, every signed header included — `x-amz-security-token`
/// among them — so an error message is never trusted to be free of secrets.
public enum Redaction {
    /// Where AWS's canonical request starts in a `SignatureDoesNotMatch` message.
    static let canonicalMarker = "The Canonical String"

    /// AWS's message cut at the canonical request: (the short message, the rest), both redacted.
    public static func splitAWSMessage(_ message: String) -> (message: String, detail: String?) {
        guard let cut = message.range(of: canonicalMarker) else { return (redact(message), nil) }
        let head = message[..<cut.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        return (redact(head), redact(String(message[cut.lowerBound...])))
    }

    /// `text` with session tokens, secret keys, signatures and long opaque base64 runs replaced by `<redacted>`.
    public static func redact(_ text: String) -> String {
        var out = text
        // Header and query forms: x-amz-security-token:VALUE, X-Amz-Security-Token=VALUE, "SessionToken": "VALUE", Signature=…
        let patterns = [
            #"(?i)(x-amz-security-token\s*[:=]\s*)[^\s&'",]+"#,
            // Named values: only a credential-sized value (16+ characters) is taken for one, so that a
            // sentence such as "sets aws_secret_access_key: add the secret" stays readable.
            #"(?i)(security[_-]?token["']?\s*[:=]\s*["']?)[^\s&'",]{16,}"#,
            #"(?i)(session[_-]?token["']?\s*[:=]\s*["']?)[^\s&'",]{16,}"#,
            #"(?i)(secret[_-]?access[_-]?key["']?\s*[:=]\s*["']?)[^\s&'",]{16,}"#,
            #"(?i)(signature\s*=\s*)[0-9a-f]{64}"#,
        ]
        for pattern in patterns {
            out = out.replacingOccurrences(of: pattern, with: "$1<redacted>", options: .regularExpression)
        }
        // Any other long base64 run (session tokens are hundreds of characters) is treated as a secret.
        out = out.replacingOccurrences(of: #"[A-Za-z0-9+/]{80,}={0,2}"#, with: "<redacted>", options: .regularExpression)
        return out
    }
}
