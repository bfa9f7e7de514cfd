/// Reads the server's "wait this long before retrying" hint from response
/// headers (names compared case-insensitively).
///
/// `x-amz-retry-after` carries whole milliseconds and takes precedence;
/// `Retry-After` carries whole seconds (its HTTP-date form is ignored, because
/// turning it into a delay would need a clock read). Negative or malformed
/// values are ignored and give `nil`.
public func retryAfterHint(headers: [String: String]) -> Duration? {
    var amzMilliseconds: Int?
    var retryAfterSeconds: Int?
    for (name, value) in headers {
        let trimmed = value.trimmingSpaces()
        switch name.lowercased() {
        case "x-amz-retry-after":
            amzMilliseconds = Int(trimmed).flatMap { $0 >= 0 ? $0 : nil }
        case "retry-after":
            retryAfterSeconds = Int(trimmed).flatMap { $0 >= 0 ? $0 : nil }
        default:
            continue
        }
    }
    if let amzMilliseconds { return .milliseconds(amzMilliseconds) }
    if let retryAfterSeconds { return .seconds(retryAfterSeconds) }
    return nil
}

extension String {
    fileprivate func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }),
              let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
