import Crypto
import Foundation

/// The body of a request, as far as signing is concerned.
public enum SigV4Payload: Sendable, Hashable {
    /// No body (hashes as the SHA-256 of zero bytes).
    case empty
    /// The body bytes; they are hashed when signing.
    case bytes(Data)
    /// The lowercase hex SHA-256 of a body the caller has already hashed (e.g. streamed).
    case sha256Hex(String)
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature (S3 presigned URLs).
    case unsigned

    /// Convenience for a UTF-8 text body.
    public static func string(_ text: String) -> SigV4Payload { .bytes(Data(text.utf8)) }

    /// The value that goes in the last line of the canonical request.
    public var hashedValue: String {
        switch self {
        case .empty: return Hex.sha256("")
        case .bytes(let data): return Hex.encode(SHA256.hash(data: data))
        case .sha256Hex(let hex): return hex.lowercased()
        case .unsigned: return "UNSIGNED-PAYLOAD"
        }
    }
}
