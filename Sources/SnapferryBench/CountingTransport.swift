import AWSKit
import Foundation
import Logging

/// Marks every call as activity for `VirtualTime`, so that time does not jump while calls are in progress.
struct CountingTransport: HTTPTransport {
    let inner: any HTTPTransport
    let time: VirtualTime

    func execute(_ request: HTTPRequest, timeout: Duration, logger: Logger) async throws -> HTTPResponse {
        time.enter()
        defer { time.leave() }
        return try await inner.execute(request, timeout: timeout, logger: logger)
    }
}
