import Foundation
import SnapferryCore
import Yams

/// Reads a fleet file and reports every problem in it, located, in one pass.
public enum FleetLoader {
    /// Parses and validates `yaml` (the contents of `file`). Pure: no I/O.
    public static func load(yaml: String, file: String) -> Result<FleetConfig, ConfigErrors> {
        var lines = 0
        for byte in yaml.utf8 where byte == UInt8(ascii: "\n") { lines += 1 }
        // About one field per line.
        let reader = ConfigReader(file: file, expectedPaths: lines)
        let composed: YAMLNode?
        do {
            composed = try compose(yaml)
        } catch let error as YamlError {
            return .failure(ConfigErrors(diagnostics: [syntaxDiagnostic(error, file: file)]))
        } catch {
            return .failure(ConfigErrors(diagnostics: [ConfigDiagnostic(
                file: file, line: 1, column: 1, path: "", message: "cannot read YAML: \(error)")]))
        }
        guard let root = consume composed else {
            return .failure(ConfigErrors(diagnostics: [ConfigDiagnostic(
                file: file, line: 1, column: 1, path: "", message: "the file is empty; see config/fleet.example.yaml")]))
        }
        let config = decode(root, reader)
        discard(consume root)
        let sorted = reader.diagnostics.sorted { ($0.line, $0.column, $0.path) < ($1.line, $1.column, $1.path) }
        if let config, sorted.isEmpty { return .success(config) }
        return .failure(ConfigErrors(diagnostics: sorted))
    }

    /// Releases a decoded node tree on a background task: freeing the ~60,000 nodes of a
    /// 25,000-line file takes milliseconds the caller (the daemon on its way to READY=1) need not wait for.
    static func discard(_ root: consuming YAMLNode) {
        let tree = root
        Task.detached(priority: .background) { withExtendedLifetime(tree) {} }
    }

    /// Reads the file at `path` and loads it.
    public static func load(path: String) -> Result<FleetConfig, ConfigErrors> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ConfigErrors(diagnostics: [ConfigDiagnostic(
                file: path, line: 1, column: 1, path: "",
                message: "cannot read the fleet file; check the path (--config or $SNAPFERRY_CONFIG) and its permissions")]))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(ConfigErrors(diagnostics: [ConfigDiagnostic(
                file: path, line: 1, column: 1, path: "", message: "the fleet file is not UTF-8 text")]))
        }
        return load(yaml: text, file: path)
    }

    static func syntaxDiagnostic(_ error: YamlError, file: String) -> ConfigDiagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let ctx = context.map { " (\($0.text))" } ?? ""
            return ConfigDiagnostic(file: file, line: mark.line, column: mark.column, path: "",
                                    message: "YAML syntax error: \(problem)\(ctx)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return ConfigDiagnostic(file: file, line: context.mark.line, column: context.mark.column, path: "",
                                    message: "duplicate key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) in one mapping; each name may appear once")
        default:
            return ConfigDiagnostic(file: file, line: 1, column: 1, path: "", message: "YAML error: \(error)")
        }
    }

    static let rootKeys = ["version", "fleet", "state", "metrics", "endpoints", "defaults", "accounts", "sources", "targets"]

    static func decode(_ root: YAMLNode, _ r: ConfigReader) -> FleetConfig? {
        guard let m = r.mapping(root, "") else { return nil }
        r.checkKeys(m, "", mark: root.mark, allowed: rootKeys, required: ["version", "fleet", "accounts", "sources"])
        if let v = r.int(m, "version", ""), v != 1 {
            r.error("version", "unsupported version \(v); this snapferry reads version: 1")
        }
        let fleet = r.string(m, "fleet", "") ?? ""
        if !fleet.isEmpty, !fleet.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            r.error("fleet", "may contain only letters, digits, '-', '_' and '.' (it is written in tags), got \"\(fleet)\"")
        }
        let state = r.string(m, "state", "")
        let metrics = decodeMetrics(m, r)
        let endpoints = decodeEndpoints(m, r)
        let defaults = decodeDefaults(m, r)
        let accounts = decodeAccounts(m, r, defaults: defaults)
        let sources = decodeSources(m, r, defaults: defaults, accounts: accounts)
        let targets = decodeTargets(m, r, defaults: defaults, accounts: accounts)
        let config = FleetConfig(file: r.file, fleet: fleet, statePath: state, metrics: metrics, endpoints: endpoints,
                                 defaults: defaults, accounts: accounts, sources: sources, targets: targets)
        crossCheck(config, r)
        return config
    }

    static func decodeMetrics(_ m: YAMLFields, _ r: ConfigReader) -> MetricsSettings {
        var settings = MetricsSettings()
        guard let node = r.value(m, "metrics"), let mm = r.mapping(node, "metrics") else { return settings }
        r.checkKeys(mm, "metrics", mark: node.mark, allowed: ["listen"])
        guard let listen = r.string(mm, "listen", "metrics") else { return settings }
        let (host, port) = splitHostPort(listen)
        if let host, let port, (1...65535).contains(port) {
            settings.host = host; settings.port = port
        } else {
            r.error("metrics.listen", "expected HOST:PORT with a port from 1 to 65535, like 127.0.0.1:9471, got \"\(listen)\"")
        }
        return settings
    }

    static func splitHostPort(_ s: String) -> (String?, Int?) {
        guard let colon = s.lastIndex(of: ":") else { return (nil, nil) }
        var host = String(s[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? nil : host, Int(s[s.index(after: colon)...]))
    }

    static func decodeEndpoints(_ m: YAMLFields, _ r: ConfigReader) -> EndpointSettings {
        var settings = EndpointSettings()
        guard let node = r.value(m, "endpoints"), let em = r.mapping(node, "endpoints") else { return settings }
        let keys = ["url", "rds", "sts", "kms", "ec2"]
        r.checkKeys(em, "endpoints", mark: node.mark, allowed: keys)
        for key in keys {
            guard let url = r.string(em, key, "endpoints") else { continue }
            guard let u = URL(string: url), ["http", "https"].contains(u.scheme ?? ""), u.host != nil else {
                r.error("endpoints.\(key)", "expected an http:// or https:// URL, got \"\(url)\"")
                continue
            }
            if key == "url" { settings.url = url } else { settings.services[key] = url }
        }
        return settings
    }

    static func decodeDefaults(_ m: YAMLFields, _ r: ConfigReader) -> Defaults {
        var d = Defaults()
        guard let node = r.value(m, "defaults"), let dm = r.mapping(node, "defaults") else { return d }
        r.checkKeys(dm, "defaults", mark: node.mark, allowed: ["region", "limits", "retry", "poll"])
        if let pn = r.value(dm, "poll"), let pm = r.mapping(pn, "defaults.poll") {
            r.checkKeys(pm, "defaults.poll", mark: pn.mark, allowed: ["initial", "max"])
            func interval(_ key: String) -> Duration? {
                guard let text = r.string(pm, key, "defaults.poll") else { return nil }
                if let seconds = Double(text), seconds > 0 { return .milliseconds(Int64(seconds * 1000)) }
                guard let d = parseFleetDuration(text), d > .zero else {
                    r.error("defaults.poll.\(key)", "expected a duration like 5s or 1m (or seconds as a number, like 0.5), got \"\(text)\"")
                    return nil
                }
                return d
            }
            if let v = interval("initial") { d.pollInitial = v }
            if let v = interval("max") { d.pollMax = v }
            if d.pollMax < d.pollInitial { r.error("defaults.poll.max", "must not be shorter than defaults.poll.initial") }
        }
        if let region = r.string(dm, "region", "defaults") {
            r.check("defaults.region", AWSIdentifiers.regionProblem(region))
            d.region = region
        }
        if let ln = r.value(dm, "limits"), let lm = r.mapping(ln, "defaults.limits") {
            let p = "defaults.limits"
            r.checkKeys(lm, p, mark: ln.mark, allowed: ["max_parallel", "max_parallel_per_account",
                                                        "max_copies_per_region", "api_rate", "api_burst"])
            func positive(_ key: String, _ max: Int? = nil, why: String = "") -> Int? {
                guard let v = r.int(lm, key, p) else { return nil }
                if v <= 0 { r.error("\(p).\(key)", "must be at least 1, got \(v)"); return nil }
                if let max, v > max { r.error("\(p).\(key)", "must be at most \(max)\(why), got \(v)"); return nil }
                return v
            }
            if let v = positive("max_parallel") { d.limits.maxParallel = v }
            if let v = positive("max_parallel_per_account") { d.limits.maxParallelPerAccount = v }
            if let v = positive("max_copies_per_region", 5, why: " (RDS runs at most 5 snapshot copies per region and account)") {
                d.limits.maxCopiesPerRegion = v
            }
            if let v = positive("api_burst") { d.limits.apiBurst = v }
            if let v = r.double(lm, "api_rate", p) {
                if v > 0 { d.limits.apiRate = v } else { r.error("\(p).api_rate", "must be greater than 0, got \(v)") }
            }
        }
        if let rn = r.value(dm, "retry"), let rm = r.mapping(rn, "defaults.retry") {
            let p = "defaults.retry"
            r.checkKeys(rm, p, mark: rn.mark, allowed: ["mode", "max_attempts"])
            if let mode = r.string(rm, "mode", p) {
                if let v = RetrySettings.Mode(rawValue: mode) { d.retry.mode = v } else {
                    r.error("\(p).mode", "expected standard or adaptive, got \"\(mode)\"")
                }
            }
            if let v = r.int(rm, "max_attempts", p) {
                if (1...20).contains(v) { d.retry.maxAttempts = v } else {
                    r.error("\(p).max_attempts", "must be from 1 to 20, got \(v)")
                }
            }
        }
        return d
    }

    static func decodeAccounts(_ m: YAMLFields, _ r: ConfigReader, defaults: Defaults) -> [Account] {
        guard let node = r.value(m, "accounts"), let am = r.mapping(node, "accounts") else { return [] }
        var out: [Account] = []
        var byID: [String: String] = [:]
        for (key, value) in am {
            let name = key.string ?? ""
            let p = "accounts.\(name)"
            r.record(p, key)
            if let problem = nameProblem(name) { r.error(p, at: key.mark, "account name \(problem)") }
            guard let vm = r.mapping(value, p) else { continue }
            r.checkKeys(vm, p, mark: value.mark, allowed: ["id", "role_arn", "external_id", "session_seconds", "region"],
                        required: ["id"])
            let id = r.string(vm, "id", p) ?? ""
            if !id.isEmpty {
                if let problem = AWSIdentifiers.accountIDProblem(id) { r.error("\(p).id", problem) }
                else if let other = byID[id] { r.error("\(p).id", "account id \(id) is already used by account \"\(other)\"; give each account one name") }
                else { byID[id] = name }
            }
            let role = r.string(vm, "role_arn", p)
            if let role { r.check("\(p).role_arn", ARN.roleProblem(role, expectedAccount: id.isEmpty ? nil : id)) }
            let external = r.string(vm, "external_id", p)
            if external != nil, role == nil {
                r.error("\(p).external_id", "external_id is only used when assuming role_arn; add role_arn or remove external_id")
            }
            let seconds = r.int(vm, "session_seconds", p)
            if let s = seconds, !(900...43200).contains(s) {
                r.error("\(p).session_seconds", "STS sessions last 900 to 43200 seconds, got \(s)")
            }
            let region = r.string(vm, "region", p)
            if let region { r.check("\(p).region", AWSIdentifiers.regionProblem(region)) }
            out.append(Account(name: name, id: id, roleArn: role, externalId: external, sessionSeconds: seconds, region: region))
        }
        return out
    }

    /// Names of accounts, sources and targets: they appear in RDS identifiers and tags.
    static func nameProblem(_ name: String) -> String? {
        AWSIdentifiers.rdsIdentifierProblem(name, maxLength: 40).map {
            "must be valid in an RDS identifier (letters, digits, single hyphens, starting with a letter, at most 40 characters): \($0)"
        }
    }
}
