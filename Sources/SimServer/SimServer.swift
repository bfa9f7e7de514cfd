import AWSSimulator
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The AWS simulator served over HTTP (SIMULATOR.md): RDS and STS in
/// Query/XML, KMS in JSON 1.1, EC2 in its own Query dialect, and the `/_sim/*`
/// admin endpoints, on a virtual clock the server owns.
///
/// Tests start it in-process on port 0 with `withRunning { port in … }`;
/// the `snapferry-sim` executable calls `run(onListening:)`.
public struct SimServer: Sendable {
    /// The options it was created with.
    public let options: SimServerOptions
    let host: SimHost

    /// Creates a server around `scenario` (default: an empty world with no
    /// accounts, until one is posted to `/_sim/scenario`).
    public init(options: SimServerOptions = SimServerOptions(),
                scenario: SimScenario = SimScenario()) throws(SimScenarioError) {
        self.options = options
        host = try SimHost(scenario: scenario, scale: options.timeScale, seed: options.seed)
    }

    /// Serves until the calling task is cancelled or, with `shutdownOnSignals`,
    /// until SIGTERM or SIGINT (a graceful shutdown). `onListening` receives
    /// the bound port once connections are accepted.
    public func run(shutdownOnSignals: Bool = false,
                    onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let group = ServiceGroup(services: [application(onListening: onListening)],
                                 gracefulShutdownSignals: shutdownOnSignals ? [.sigterm, .sigint] : [], logger: logger)
        try await group.run()
    }

    /// Starts the server, runs `body` with the bound port, then shuts the server down gracefully.
    public func withRunning<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(services: [application { port in continuation.yield(port) }], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { continuation.finish() }
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await tasks.waitForAll()
                throw SimServerError(message: "the simulator stopped before it was listening on \(options.host):\(options.port)")
            }
            let result: Result<T, any Error>
            do { result = .success(try await body(port)) } catch { result = .failure(error) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }

    private var logger: Logger {
        var logger = Logger(label: "snapferry-sim")
        logger.logLevel = .warning
        return logger
    }

    private func application(onListening: @escaping @Sendable (Int) async -> Void) -> some Service {
        let responder = SimResponder(aws: AWSWireHandler(host: host, verifySignatures: options.verifySignatures),
                                     admin: SimAdminHandler(host: host), maxBodyBytes: options.maxBodyBytes)
        return Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? options.port) },
            logger: logger)
    }
}

/// The simulator could not start or stopped unexpectedly.
public struct SimServerError: Error, Sendable, CustomStringConvertible {
    /// What happened and what to change.
    public var message: String
    /// The message.
    public var description: String { message }
}
