import Foundation

/// The AWS CLI's shared files, `~/.aws/credentials` and `~/.aws/config`, read and
/// merged into profiles.
///
/// Paths come from `AWS_SHARED_CREDENTIALS_FILE` / `AWS_CONFIG_FILE`, else from
/// `$HOME/.aws/`. In the config file a profile is `[profile NAME]`, except
/// `[default]`; in the credentials file it is `[NAME]`. When both files set a key
/// the credentials file wins.
public struct SharedConfigFiles: Sendable {
    /// One profile's merged settings.
    public struct Profile: Sendable, Hashable {
        /// Profile name, e.g. `default`.
        public var name: String
        /// Settings from both files, the credentials file's winning.
        public var settings: [String: String]
        /// For each key, the file (as shown to the operator, `~/...`) it was taken from.
        public var origins: [String: String]

        /// The value of `key`, if set and not empty.
        public subscript(_ key: String) -> String? {
            settings[key].flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// Path of the credentials file, if one could be determined.
    public let credentialsPath: String?
    /// Path of the config file, if one could be determined.
    public let configPath: String?
    /// The home directory the default paths are under.
    let home: String?
    private let credentials: INIDocument?
    private let config: INIDocument?

    /// Reads both files through `readFile` (which returns `nil` for a missing
    /// file). Throws ``AWSError`` (`.credentials`) when a file does not parse.
    public init(environment: [String: String],
                readFile: @Sendable (String) -> String? = SharedConfigFiles.readFromDisk) throws {
        // A systemd unit may set no HOME: then the user's home from the password database, as Python's expanduser does.
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.passwdHome()
        self.home = home
        func path(_ variable: String, _ fallback: String) -> String? {
            if let explicit = environment[variable], !explicit.isEmpty {
                guard explicit.hasPrefix("~/") else { return explicit }
                return home.map { $0 + explicit.dropFirst() }
            }
            return home.map { "\($0)/.aws/\(fallback)" }
        }
        credentialsPath = path("AWS_SHARED_CREDENTIALS_FILE", "credentials")
        configPath = path("AWS_CONFIG_FILE", "config")
        credentials = try Self.load(credentialsPath, home: home, readFile: readFile)
        config = try Self.load(configPath, home: home, readFile: readFile)
    }

    /// The home directory of the process's user in the password database.
    static func passwdHome() -> String? {
        guard let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir else { return nil }
        let home = String(cString: dir)
        return home.isEmpty ? nil : home
    }

    /// Reads a UTF-8 file, or `nil` when it does not exist or cannot be read.
    public static let readFromDisk: @Sendable (String) -> String? = { path in
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    /// The named profile, or `nil` when neither file has it.
    public func profile(named name: String) -> Profile? {
        var settings: [String: String] = [:]
        var origins: [String: String] = [:]
        var found = false
        // Config first, so the credentials file's values overwrite it.
        if let config {
            // The CLI also accepts `[profile default]`; plain `[NAME]` is not a profile in the config file.
            let headers = name == "default" ? ["default", "profile default"] : ["profile \(name)"]
            for header in headers {
                guard let section = config.sections[Self.normalizedKey(header, in: config) ?? ""] else { continue }
                found = true
                for (key, value) in section { settings[key] = value; origins[key] = display(configPath) }
            }
        }
        if let section = credentials?.sections[name] {
            found = true
            for (key, value) in section { settings[key] = value; origins[key] = display(credentialsPath) }
        }
        return found ? Profile(name: name, settings: settings, origins: origins) : nil
    }

    /// An `[sso-session NAME]` section of the config file.
    func ssoSession(named name: String) -> [String: String]? { configSection("sso-session \(name)") }

    /// A `[services NAME]` section of the config file (nested keys as `rds.endpoint_url`).
    func services(named name: String) -> [String: String]? { configSection("services \(name)") }

    private func configSection(_ header: String) -> [String: String]? {
        guard let config, let key = Self.normalizedKey(header, in: config) else { return nil }
        return config.sections[key]
    }

    /// The files searched, for error messages: `~/.aws/credentials, ~/.aws/config`.
    public var searchedFiles: String {
        let paths = [credentialsPath, configPath].compactMap { $0 }.map(display)
        return paths.isEmpty ? "no files (HOME is not set)" : paths.joined(separator: ", ")
    }

    /// `path` with `$HOME` shown as `~`.
    func display(_ path: String?) -> String {
        guard let path else { return "?" }
        if let home, path.hasPrefix(home + "/") { return "~" + path.dropFirst(home.count) }
        return path
    }

    /// The section name matching `header` with runs of blanks collapsed (`[profile   x]`).
    private static func normalizedKey(_ header: String, in document: INIDocument) -> String? {
        document.sections.keys.first { key in
            key.split(whereSeparator: \.isWhitespace).joined(separator: " ") == header
        }
    }

    private static func load(_ path: String?, home: String?,
                             readFile: @Sendable (String) -> String?) throws -> INIDocument? {
        guard let path, let text = readFile(path) else { return nil }
        let shown = home.flatMap { path.hasPrefix($0 + "/") ? "~" + path.dropFirst($0.count) : nil } ?? path
        do {
            return try INIDocument(parsing: text, path: shown)
        } catch {
            throw AWSError.credentials("profile", code: "InvalidSharedFile", "\(error) (fix or remove the line)")
        }
    }
}
