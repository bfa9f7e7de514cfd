import Foundation

/// Proxy and trust settings, read the way botocore reads them (through Python's `urllib`):
/// `https_proxy`/`HTTPS_PROXY` for `https://` endpoints, `http_proxy`/`HTTP_PROXY` for `http://`
/// ones (the lower-case variable wins when both are set), `no_proxy`/`NO_PROXY` for hosts that are
/// reached directly; `AWS_CA_BUNDLE`, else the profile's `ca_bundle`, replaces the system's trust
/// store with a PEM file (a TLS-inspecting corporate proxy, a private endpoint).
///
/// The proxy is spoken to over plain HTTP and asked to `CONNECT` to the endpoint, so TLS runs
/// end to end and the proxy never sees a request or its signature.
public struct NetworkSettings: Sendable, Hashable {
    /// A proxy server: host, port and optional basic credentials from its URL.
    public struct Proxy: Sendable, Hashable {
        /// Host name or address.
        public var host: String
        /// Port (the URL's, else 80).
        public var port: Int
        /// `user:password` from the URL, percent-decoded.
        public var user: String?
        /// The password.
        public var password: String?
        /// The variable it came from, for messages.
        public var variable: String
    }

    /// For `https://` endpoints.
    public var httpsProxy: Proxy?
    /// For `http://` endpoints.
    public var httpProxy: Proxy?
    /// `no_proxy` entries, lower-cased: `*`, a host, `.domain` or `domain`, optionally `:port`.
    public var noProxy: [String]
    /// PEM file of trusted certificate authorities, replacing the system's.
    public var caBundle: String?

    /// No proxy, the system's trust store.
    public static let direct = NetworkSettings(httpsProxy: nil, httpProxy: nil, noProxy: [], caBundle: nil)

    /// Creates the settings from their parts.
    public init(httpsProxy: Proxy?, httpProxy: Proxy?, noProxy: [String], caBundle: String?) {
        self.httpsProxy = httpsProxy; self.httpProxy = httpProxy; self.noProxy = noProxy; self.caBundle = caBundle
    }

    /// The settings of `environment`, with the AWS profile's `ca_bundle` when `AWS_CA_BUNDLE` is unset.
    /// Throws an error that names the variable when a proxy URL cannot be used or the CA bundle is missing.
    public static func from(environment: [String: String],
                            readFile: @Sendable (String) -> String? = SharedConfigFiles.readFromDisk) throws -> NetworkSettings {
        // urllib's rule: the lower-case variable wins, and one set but empty turns the setting off.
        func variable(_ name: String) -> (String, String)? {
            for candidate in [name.lowercased(), name.uppercased()] {
                if let value = environment[candidate] { return value.isEmpty ? nil : (value, candidate) }
            }
            return nil
        }
        let https = try variable("https_proxy").map { try parseProxy($0.0, variable: $0.1) }
        let http = try variable("http_proxy").map { try parseProxy($0.0, variable: $0.1) }
        let noProxy = (variable("no_proxy")?.0 ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        var caBundle = environment["AWS_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
        var caOrigin = "AWS_CA_BUNDLE"
        if caBundle == nil {
            let profileName = ["AWS_DEFAULT_PROFILE", "AWS_PROFILE"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? "default"
            if let files = try? SharedConfigFiles(environment: environment, readFile: readFile),
               let profile = files.profile(named: profileName), let path = profile["ca_bundle"] {
                caBundle = path
                caOrigin = "ca_bundle in profile \(profileName)"
            }
        }
        if let caBundle, !FileManager.default.isReadableFile(atPath: caBundle) {
            throw AWSError(kind: .transport, service: "", operation: "", code: "CABundleMissing",
                           message: "\(caOrigin) names \(caBundle), which cannot be read: give the path of a PEM file "
                               + "of trusted certificate authorities, or unset it to use the system's")
        }
        return NetworkSettings(httpsProxy: https, httpProxy: http, noProxy: noProxy, caBundle: caBundle)
    }

    /// `http://user:pass@host:port`, or `host:port` (taken as http, as urllib does).
    static func parseProxy(_ text: String, variable: String) throws -> Proxy {
        let withScheme = text.contains("://") ? text : "http://" + text
        guard let components = URLComponents(string: withScheme), let host = components.host, !host.isEmpty else {
            throw invalid(variable, text, "is not a proxy URL like http://proxy.example.com:3128")
        }
        guard components.scheme?.lowercased() == "http" else {
            throw invalid(variable, text, "uses \(components.scheme ?? "?")://; snapferry talks to proxies over plain HTTP "
                + "(with CONNECT, so TLS to AWS is end to end): write http://\(host):\(components.port ?? 3128)")
        }
        return Proxy(host: host, port: components.port ?? 80, user: components.percentEncodedUser?.removingPercentEncoding,
                     password: components.percentEncodedPassword?.removingPercentEncoding, variable: variable)
    }

    private static func invalid(_ variable: String, _ text: String, _ reason: String) -> AWSError {
        // The value may hold a password: show only what precedes any `@`.
        let shown = text.contains("@") ? "…@" + (text.split(separator: "@").last.map(String.init) ?? "") : text
        return AWSError(kind: .transport, service: "", operation: "", code: "InvalidProxy", message: "\(variable)=\(shown) \(reason)")
    }

    /// The proxy for `url`, or `nil` to connect directly. Loopback and link-local addresses (instance
    /// metadata, container credentials, local test endpoints) are always reached directly: their answers
    /// are credentials, and a proxy would see them in clear.
    public func proxy(for url: URL) -> Proxy? {
        let proxy = url.scheme?.lowercased() == "https" ? httpsProxy : httpProxy
        guard let proxy, let host = url.host?.lowercased() else { return nil }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if bare == "localhost" || bare.hasPrefix("127.") || bare == "::1" || bare.hasPrefix("169.254.") || bare.hasPrefix("fd00:ec2::") {
            return nil
        }
        return bypasses(host: host, port: url.port) ? nil : proxy
    }

    /// urllib's `proxy_bypass_environment`: `*`, or an entry equal to the host or a domain suffix of it.
    public func bypasses(host: String, port: Int?) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        for entry in noProxy {
            if entry == "*" { return true }
            var name = entry, entryPort: Int?
            if let colon = entry.lastIndex(of: ":"), let p = Int(entry[entry.index(after: colon)...]) {
                name = String(entry[..<colon]); entryPort = p
            }
            if let entryPort, entryPort != port { continue }
            let domain = name.hasPrefix(".") ? String(name.dropFirst()) : name
            if bare == domain || bare.hasSuffix("." + domain) { return true }
        }
        return false
    }
}
