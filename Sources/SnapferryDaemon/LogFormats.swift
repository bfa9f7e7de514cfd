import AWSKit
import Foundation
import Logging

/// How the daemon writes its log lines: one record per line, for journald or a log shipper.
public enum LogFormat: String, CaseIterable, Sendable {
    /// `ts=… level=info msg="…" label=… key=value`.
    case logfmt
    /// `{"ts":"…","level":"info","msg":"…","label":"…","key":"value"}`.
    case json

    /// Writes `line` and a newline to standard error in one call.
    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// A handler in this format; pass it to `LoggingSystem.bootstrap` or `Logger(label:factory:)`.
    public func makeHandler(label: String, level: Logger.Level = .info,
                            metadataProvider: Logger.MetadataProvider? = nil,
                            sink: @escaping @Sendable (String) -> Void = LogFormat.standardError) -> any LogHandler {
        StructuredLogHandler(format: self, label: label, level: level, metadataProvider: metadataProvider, sink: sink)
    }

    /// Makes every `Logger` of the process write in this format (callable once per process).
    public func bootstrap(level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil) {
        LoggingSystem.bootstrap({ label, provider in
            self.makeHandler(label: label, level: level, metadataProvider: provider)
        }, metadataProvider: metadataProvider)
    }
}

/// One log record after merging and redaction: what both formats write.
struct LogRecord: Sendable {
    /// The names both formats write first; metadata with one of these names is written as `meta.<name>`.
    static let fixedKeys: Set<String> = ["ts", "level", "msg", "label"]
    /// What replaces a secret.
    static let redacted = "<redacted>"

    var ts: String
    var level: String
    var msg: String
    var label: String
    /// Metadata in key order, flattened to strings.
    var fields: [(key: String, value: String)]

    /// Merges `handler` metadata, then the provider's, then the call's (later wins), and redacts it all.
    init(event: LogEvent, label: String, date: Date, handler: Logger.Metadata, provider: Logger.MetadataProvider?) {
        var merged = handler
        if let provided = provider?.get() { merged.merge(provided) { _, new in new } }
        if let call = event.metadata { merged.merge(call) { _, new in new } }
        if let error = event.error, merged["error"] == nil { merged["error"] = .string("\(error)") }
        ts = date.formatted(Self.timestampStyle)
        level = event.level.rawValue
        msg = Redaction.redact(event.message.description)
        self.label = label
        fields = merged.sorted { $0.key < $1.key }.map { key, value in
            let name = Self.fixedKeys.contains(key) ? "meta.\(key)" : key
            return (name, Self.isSecretKey(key) ? Self.redacted : Redaction.redact(Self.flatten(value)))
        }
    }

    static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// Whether a metadata key names a secret, so its value is never written.
    static func isSecretKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return ["password", "secret", "token", "authorization"].contains { lower.contains($0) }
    }

    /// `[a, b]` for arrays and `[k: v]` (sorted, secrets dropped) for dictionaries.
    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let items): "[" + items.map(flatten).joined(separator: ", ") + "]"
        case .dictionary(let dict):
            "[" + dict.sorted { $0.key < $1.key }.map { "\($0.key): \(isSecretKey($0.key) ? redacted : flatten($0.value))" }
                .joined(separator: ", ") + "]"
        }
    }
}

/// Writes each record as one line in `format`: `ts`, `level`, `msg`, `label`, then the metadata keys in order.
public struct StructuredLogHandler: LogHandler {
    public let format: LogFormat
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    /// Written as `label`.
    public let label: String
    /// Receives each line, without a newline.
    let sink: @Sendable (String) -> Void
    /// The record's time; `Date()` unless a test fixes it.
    let clock: @Sendable () -> Date

    public init(format: LogFormat, label: String, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
                clock: @escaping @Sendable () -> Date = { Date() },
                sink: @escaping @Sendable (String) -> Void = LogFormat.standardError) {
        self.format = format
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.clock = clock
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        guard event.level >= logLevel else { return }
        let record = LogRecord(event: event, label: label, date: clock(), handler: metadata, provider: metadataProvider)
        sink(format == .json ? JSONLine.line(record) : LogfmtLine.line(record))
    }
}

/// logfmt: `key=value`, values quoted when they must be.
enum LogfmtLine {
    static func line(_ record: LogRecord) -> String {
        let pairs = [("ts", record.ts), ("level", record.level), ("msg", record.msg), ("label", record.label)] + record.fields
        return pairs.map { "\(key($0.0))=\(value($0.1))" }.joined(separator: " ")
    }

    /// A key with spaces, `=`, quotes and control characters replaced by `_`.
    static func key(_ key: String) -> String {
        let cleaned = String(key.unicodeScalars.map { needsQuoting($0) ? "_" : Character($0) })
        return cleaned.isEmpty ? "_" : cleaned
    }

    /// `value` as is, or quoted with `"`, `\` and control characters escaped when it is empty or holds
    /// a space, `=`, `"` or a control character.
    static func value(_ value: String) -> String {
        guard value.isEmpty || value.unicodeScalars.contains(where: needsQuoting) else { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func needsQuoting(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "=" || scalar == "\"" || scalar.properties.generalCategory == .control
            || scalar.properties.isWhitespace
    }
}

/// One JSON object, every value a string.
enum JSONLine {
    static func line(_ record: LogRecord) -> String {
        let pairs = [("ts", record.ts), ("level", record.level), ("msg", record.msg), ("label", record.label)] + record.fields
        return "{" + pairs.map { "\(string($0.0)):\(string($0.1))" }.joined(separator: ",") + "}"
    }

    /// `text` as a JSON string literal, escaped by JSONSerialization.
    static func string(_ text: String) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed, .withoutEscapingSlashes]),
              let literal = String(data: data, encoding: .utf8)
        else { return "\"\"" }
        return literal
    }
}
