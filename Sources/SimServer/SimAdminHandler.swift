import AWSKit
import AWSSimulator
import Foundation

/// The `/_sim/*` admin endpoints (SIMULATOR.md, "Admin endpoints"): JSON in, JSON out.
struct SimAdminHandler: Sendable {
    let host: SimHost

    func handle(_ request: WireRequest) async -> WireReply {
        switch (request.method, request.path) {
        case ("POST", "/_sim/scenario"): return await loadScenario(request)
        case ("POST", "/_sim/advance"): return await advance(request)
        case ("GET", "/_sim/now"): return .json(200, ["now": AWSTimestamp.format(await host.timeline.now)])
        case ("POST", "/_sim/faults"): return await setFaults(request)
        case ("GET", "/_sim/calls"): return await calls(request)
        case ("POST", "/_sim/reset"):
            do { try await host.reset() } catch { return .jsonError(400, error.description) }
            return .json(200, ["now": AWSTimestamp.format(await host.timeline.now)])
        case ("POST", "/_sim/key-policy"): return await setKeyPolicy(request)
        case ("POST", "/_sim/trust-policy"): return await setTrustPolicy(request)
        default:
            return .jsonError(404, "no admin endpoint \(request.method) \(request.path); see SIMULATOR.md")
        }
    }

    private func loadScenario(_ request: WireRequest) async -> WireReply {
        let text = String(decoding: request.body, as: UTF8.self)
        let contentType = request.header("content-type")?.lowercased() ?? ""
        let looksJSON = text.drop { $0.isWhitespace }.first == "{"
        do {
            let scenario = contentType.contains("yaml") || !looksJSON
                ? try SimScenario.load(yaml: text) : try SimScenario.load(json: request.body)
            try await host.load(scenario)
        } catch {
            return .jsonError(400, "invalid scenario: \(error.description)")
        }
        return .json(200, ["now": AWSTimestamp.format(await host.timeline.now)])
    }

    private func advance(_ request: WireRequest) async -> WireReply {
        guard let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any],
              let seconds = (object["seconds"] as? Double) ?? (object["seconds"] as? Int).map(Double.init),
              seconds >= 0, seconds.isFinite else {
            return .jsonError(400, "body must be {\"seconds\": N} with N >= 0")
        }
        let now = await host.advance(seconds: seconds)
        return .json(200, ["now": AWSTimestamp.format(now)])
    }

    private func setFaults(_ request: WireRequest) async -> WireReply {
        let rules: SimFaultRules
        do {
            if request.body.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }).first == UInt8(ascii: "[") {
                rules = SimFaultRules(rules: try JSONDecoder().decode([SimFaultRules.Rule].self, from: request.body))
            } else {
                rules = try JSONDecoder().decode(SimFaultRules.self, from: request.body)
            }
        } catch {
            return .jsonError(400, "invalid fault rules: \(error)")
        }
        await host.world.setFaults(rules)
        return .json(200, ["rules": rules.rules.count])
    }

    private func calls(_ request: WireRequest) async -> WireReply {
        var since: Date?
        if let text = QueryParameters.parseForm(request.query ?? "")["since"] {
            // A `+` offset arrives as a space when the caller did not percent-encode it.
            guard let date = AWSTimestamp.parse(text.replacingOccurrences(of: " ", with: "+")) else {
                return .jsonError(400, "since '\(text)' is not an ISO 8601 date such as 2026-12-01T00:00:00Z")
            }
            since = date
        }
        let world = await host.world
        let records = await world.calls(since: since)
        let counts = await world.callCounts(since: since)
        let list: [[String: Any]] = records.map { record in
            [
                "t": AWSTimestamp.format(record.time), "service": record.service, "operation": record.operation,
                "account": record.account ?? NSNull(), "region": record.region, "status": record.status,
                "code": record.code ?? NSNull(), "attempt": record.attempt ?? 1,
                "received": record.received.map { $0.timeIntervalSince1970 } ?? NSNull(),
                "fault": record.fault ?? NSNull(), "latency_ms": record.latencyMs,
            ]
        }
        return .json(200, ["calls": list, "counts": counts])
    }

    private func setKeyPolicy(_ request: WireRequest) async -> WireReply {
        await setPolicy(request, arnField: "key_arn", example: "arn:aws:kms:…", missing: "no customer-managed key") { arn, policy in
            await self.host.world.setKeyPolicy(keyArn: arn, policy: policy)
        }
    }

    private func setTrustPolicy(_ request: WireRequest) async -> WireReply {
        await setPolicy(request, arnField: "role_arn", example: "arn:aws:iam::…:role/…", missing: "no role") { arn, policy in
            await self.host.world.setTrustPolicy(roleArn: arn, policy: policy)
        }
    }

    /// `{"<arnField>": ARN, "policy": {…}}`: a policy given as JSON text (as PutKeyPolicy and
    /// UpdateAssumeRolePolicy take it) is parsed first; `apply` says whether the ARN names something.
    private func setPolicy(_ request: WireRequest, arnField: String, example: String, missing: String,
                           apply: (String, SimJSON) async -> Bool) async -> WireReply {
        guard let body = try? JSONDecoder().decode([String: SimJSON].self, from: request.body),
              case .string(let arn)? = body[arnField], var policy = body["policy"] else {
            return .jsonError(400, "body must be {\"\(arnField)\": \"\(example)\", \"policy\": {…}}")
        }
        if case .string(let text) = policy, let parsed = try? JSONDecoder().decode(SimJSON.self, from: Data(text.utf8)) {
            policy = parsed
        }
        guard await apply(arn, policy) else { return .jsonError(404, "\(missing) \(arn) in the scenario") }
        return .json(200, [arnField: arn])
    }
}
