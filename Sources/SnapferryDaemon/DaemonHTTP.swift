import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The daemon's HTTP endpoint on `metrics.listen` (loopback unless configured otherwise):
/// `/metrics` (Prometheus text), `/healthz` (the process lives), `/readyz` (fleet file loaded,
/// state open), `/status` (the `status` command's JSON) and `/` (the fleet at a glance, no JavaScript).
public enum DaemonHTTP {
    public static func application(host: String, port: Int, scheduler: FleetScheduler, metrics: DaemonMetrics, version: String,
                                   logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        let router = Router()
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/readyz") { _, _ in
            // The scheduler exists only once the fleet file is loaded and the state database is open.
            await scheduler.isReady ? Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
                : Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "starting\n")))
        }
        router.get("/metrics") { _, _ in
            // The state database's gauges are read at scrape time, so they are never older than the scrape.
            do { _ = try await scheduler.readStatus() } catch {
                logger.warning("metrics: cannot read the state database", metadata: ["error": "\(error)"])
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        router.get("/status") { _, _ in
            let status = try await scheduler.readStatus()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(status))))
        }
        router.get("/") { _, _ in
            let status = try await scheduler.readStatus()
            let now = await scheduler.now
            let page = StatusPage.render(StatusPage.Input(
                status: status, fleet: await scheduler.config, now: now, nextFires: await scheduler.nextFires(after: now),
                ready: await scheduler.isReady, configReloadOK: metrics.lastReloadSucceeded, version: version))
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        return Application(router: router,
                           configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
                           onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
                           logger: logger)
    }
}
