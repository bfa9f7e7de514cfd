import AWSKit
import Foundation
import Logging
import ServiceLifecycle
import SnapferryConfig
import SnapferryCore
import SnapferryEngine
import SnapferryStore
import Synchronization

/// `snapferry daemon`: builds, once, everything that lives as long as the process — the state
/// lock and database, the HTTP connection pool, the AWS rate-limit, retry and credential
/// registries, the copy budget, the shared observations and the metrics — then runs the
/// scheduler and the HTTP endpoint as one service group until SIGTERM or SIGINT.
public struct Daemon: Sendable {
    public var configPath: String
    public var environment: [String: String]
    public var time: DaemonClock
    public var notifier: any ServiceNotifier
    public var logger: Logger
    public var version: String

    public init(configPath: String, environment: [String: String], time: DaemonClock, notifier: any ServiceNotifier,
                logger: Logger, version: String) {
        self.configPath = configPath; self.environment = environment; self.time = time; self.notifier = notifier
        self.logger = logger; self.version = version
    }

    /// A start-up failure with the exit status PRODUCT.md gives it.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
        /// 2: configuration or usage (invalid fleet file, state in use); 1: anything else.
        public var status: Int32
    }

    /// Runs until a graceful shutdown; throws `StartError` when it cannot start.
    public func run() async throws {
        let fleet: FleetConfig
        switch FleetLoader.load(path: configPath) {
        case .success(let config): fleet = config
        case .failure(let errors): throw StartError(description: errors.description, status: 2)
        }
        let statePath = fleet.resolvedStatePath(environment: environment)
        let lock: StateLock
        do { lock = try StateLock(statePath: statePath) } catch {
            throw StartError(description: "\(error)", status: 2)
        }
        let store: SQLiteStateStore
        do { store = try SQLiteStateStore(path: statePath) } catch {
            throw StartError(description: "\(error)", status: 1)
        }
        let metrics = DaemonMetrics(version: version, loadedAt: time.now())
        let transport = AsyncHTTPClientTransport(connectTimeout: .seconds(5), network: try NetworkSettings.from(environment: environment))
        let registry = EngineRegistry(store: store, transport: transport, metrics: metrics, time: time, environment: environment,
                                      logger: logger)
        do {
            let generation = try registry.generation(for: fleet)
            let scheduler = FleetScheduler(generation: generation, rebuild: { try registry.generation(for: $0) },
                                           configPath: configPath, statePath: statePath, environment: environment, store: store,
                                           notifier: notifier, metrics: metrics, time: time, logger: logger, waitsForHTTP: true)
            let logger = self.logger
            let http = DaemonHTTP.application(host: fleet.metrics.host, port: fleet.metrics.port, scheduler: scheduler,
                                              metrics: metrics, version: version, logger: logger) { port in
                logger.info("http listening", metadata: ["address": "\(fleet.metrics.host):\(port)",
                                                         "paths": "/metrics /healthz /readyz /status /"])
                await scheduler.httpListening()
            }
            // Shut down in reverse order: the scheduler stops first, the HTTP endpoint answers until it has.
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: [.init(service: http), .init(service: scheduler)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            do {
                try await group.run()
            } catch {
                guard await !scheduler.httpIsUp else { throw error }
                throw StartError(description: "cannot serve HTTP on \(fleet.metrics.host):\(fleet.metrics.port) (`metrics.listen` in "
                                 + "\(configPath)): \(error); choose a free address or stop what holds it", status: 1)
            }
        } catch {
            try? await transport.shutdown()
            throw error
        }
        try? await transport.shutdown()
        withExtendedLifetime(lock) {}
    }
}

/// Makes each fleet file's engines over the process's one set of long-lived AWS state
/// (the previous `LiveFleetAWS` is reused on reload), one copy budget, one shared observation and one
/// record of how fast AWS's work finishes.
final class EngineRegistry: Sendable {
    let store: any StateStore
    let transport: AsyncHTTPClientTransport
    let metrics: DaemonMetrics
    let time: DaemonClock
    let environment: [String: String]
    let logger: Logger
    let shared = LatestObservations()
    let stages = StageDurations()
    private let state = Mutex<(aws: LiveFleetAWS?, copies: CopyBudget?, copyLimit: Int)>((nil, nil, 0))

    init(store: any StateStore, transport: AsyncHTTPClientTransport, metrics: DaemonMetrics, time: DaemonClock,
         environment: [String: String], logger: Logger) {
        self.store = store; self.transport = transport; self.metrics = metrics; self.time = time
        self.environment = environment; self.logger = logger
    }

    func generation(for fleet: FleetConfig) throws -> FleetGeneration {
        let (previous, previousCopies, previousLimit) = state.withLock { ($0.aws, $0.copies, $0.copyLimit) }
        let aws = try LiveFleetAWS(config: fleet, environment: environment, transport: transport, observer: metrics,
                                   clock: time.clock, now: time.now, reusing: previous)
        let limit = fleet.defaults.limits.maxCopiesPerRegion
        let copies = previousCopies.flatMap { previousLimit == limit ? $0 : nil } ?? CopyBudget(limit: limit)
        state.withLock { $0 = (aws, copies, limit) }
        let (rotation, refresh) = EnginePair.make(config: fleet, aws: aws, store: store, clock: time.clock, wallNow: time.now,
                                                  shared: shared, copies: copies, stages: stages, logLevel: logger.logLevel)
        return FleetGeneration(config: fleet, rotation: rotation, refresh: refresh)
    }
}
