import Foundation
import Logging
import Synchronization
import Testing

@testable import SnapferryDaemon

/// The two log formats, line by line. Expected lines are written out by hand.
@Suite struct LogFormatsTests {
    /// Collects what a handler writes.
    final class Lines: Sendable {
        private let storage = Mutex<[String]>([])
        var all: [String] { storage.withLock { $0 } }
        func append(_ line: String) { storage.withLock { $0.append(line) } }
    }

    /// 2026-12-02T02:00:00Z.
    static let at = Date(timeIntervalSince1970: 1_796_176_800)
    static let ts = "2026-12-02T02:00:00.000Z"
    static let secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let sessionToken = "IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJHMEUCIQDexampleexampleexampleexampleexampleexampleAiEAexampleexampleexample"

    static func logger(_ format: LogFormat, level: Logger.Level = .info, provider: Logger.MetadataProvider? = nil,
                       lines: Lines) -> Logger {
        Logger(label: "snapferry.refresh") { label in
            StructuredLogHandler(format: format, label: label, level: level, metadataProvider: provider, clock: { at }, sink: lines.append)
        }
    }

    static func object(_ line: String) throws -> [String: String] {
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(parsed as? [String: String])
    }

    @Test func logfmtWritesFixedKeysThenSortedMetadata() {
        let lines = Lines()
        var logger = Self.logger(.logfmt, lines: lines)
        logger[metadataKey: "account"] = "prod"
        logger.info("snapshot created", metadata: ["source": "orders", "snapshot": "snapferry-orders-20261202-0100"])
        logger.warning("slow", metadata: ["count": .stringConvertible(3)])
        #expect(lines.all == [
            "ts=\(Self.ts) level=info msg=\"snapshot created\" label=snapferry.refresh account=prod snapshot=snapferry-orders-20261202-0100 source=orders",
            "ts=\(Self.ts) level=warning msg=slow label=snapferry.refresh account=prod count=3",
        ])
    }

    @Test func logfmtQuotesAndEscapes() {
        let lines = Lines()
        let logger = Self.logger(.logfmt, lines: lines)
        logger.info("said \"hi\"\nthen left", metadata: [
            "empty": "", "expr": "a=b", "path": #"C:\dir"#, "note": #"back\slash and space"#, "tab": "x\ty", "bell": "\u{7}",
            "list": .array(["a", "b"]), "msg": "shadowed",
        ])
        let expected = #"ts=2026-12-02T02:00:00.000Z level=info msg="said \"hi\"\nthen left" label=snapferry.refresh "#
            + #"bell="\u0007" empty="" expr="a=b" list="[a, b]" meta.msg=shadowed note="back\\slash and space" path=C:\dir tab="x\ty""#
        #expect(lines.all == [expected])
    }

    @Test func metadataMergesHandlerThenProviderThenCall() {
        let lines = Lines()
        let provider = Logger.MetadataProvider { ["request": "r1", "source": "provider", "target": "provider"] }
        var logger = Self.logger(.logfmt, provider: provider, lines: lines)
        logger[metadataKey: "account"] = "prod"
        logger[metadataKey: "source"] = "handler"
        logger[metadataKey: "target"] = "handler"
        logger.info("go", metadata: ["source": "call"])
        #expect(lines.all == ["ts=\(Self.ts) level=info msg=go label=snapferry.refresh account=prod request=r1 source=call target=provider"])
    }

    @Test func levelFiltering() {
        let lines = Lines()
        let logger = Self.logger(.json, level: .notice, lines: lines)
        logger.debug("no")
        logger.info("no")
        logger.notice("yes")
        logger.error("yes too")
        #expect(lines.all.count == 2)
        #expect(lines.all.allSatisfy { $0.contains("yes") })

        let handler = StructuredLogHandler(format: .logfmt, label: "direct", level: .error, clock: { Self.at }, sink: lines.append)
        handler.log(event: LogEvent(level: .warning, message: "below", metadata: nil, source: nil, file: #fileID,
                                    function: #function, line: #line))
        #expect(lines.all.count == 2)
    }

    @Test func jsonLineIsExactAndParsesBack() throws {
        let lines = Lines()
        var logger = Self.logger(.json, lines: lines)
        logger[metadataKey: "target"] = "orders-qa"
        logger.error("refresh failed: <b>\"x\"</b>\nsee /var/log", metadata: ["count": .stringConvertible(3), "ts": "shadowed"])
        let expected = #"{"ts":"2026-12-02T02:00:00.000Z","level":"error","msg":"refresh failed: <b>\"x\"</b>\nsee /var/log","#
            + #""label":"snapferry.refresh","count":"3","target":"orders-qa","meta.ts":"shadowed"}"#
        // After the fixed four, metadata in the order of its own keys: count, target, ts (written as meta.ts).
        let line = try #require(lines.all.first)
        #expect(line == expected)
        #expect(try Self.object(line) == [
            "ts": Self.ts, "level": "error", "msg": "refresh failed: <b>\"x\"</b>\nsee /var/log", "label": "snapferry.refresh",
            "count": "3", "target": "orders-qa", "meta.ts": "shadowed",
        ])
        #expect(!line.contains("\n"))
    }

    @Test(arguments: LogFormat.allCases)
    func secretsAreRedacted(format: LogFormat) throws {
        let lines = Lines()
        var logger = Self.logger(format, lines: lines)
        logger[metadataKey: "Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/eu-west-1/rds/aws4_request"
        logger.error("assume role failed: aws_secret_access_key=\(Self.secretKey)", metadata: [
            "DB_Password": "hunter2",
            "detail": "x-amz-security-token:\(Self.sessionToken) rejected",
            "raw": .string(Self.sessionToken),
            "creds": ["sessionToken": "abc", "region": "eu-west-1"],
            "account": "prod",
        ])
        let line = try #require(lines.all.first)
        for secret in [Self.secretKey, Self.sessionToken, "hunter2", "AKIDEXAMPLE", "abc"] {
            #expect(!line.contains(secret), "\(secret) leaked: \(line)")
        }
        let expected: [String: String] = [
            "ts": Self.ts, "level": "error", "msg": "assume role failed: aws_secret_access_key=<redacted>", "label": "snapferry.refresh",
            "Authorization": "<redacted>", "DB_Password": "<redacted>", "detail": "x-amz-security-token:<redacted> rejected",
            "raw": "<redacted>", "creds": "[region: eu-west-1, sessionToken: <redacted>]", "account": "prod",
        ]
        switch format {
        case .json:
            #expect(try Self.object(line) == expected)
        case .logfmt:
            #expect(line == "ts=\(Self.ts) level=error msg=\"assume role failed: aws_secret_access_key=<redacted>\" label=snapferry.refresh "
                + "Authorization=<redacted> DB_Password=<redacted> account=prod creds=\"[region: eu-west-1, sessionToken: <redacted>]\" "
                + "detail=\"x-amz-security-token:<redacted> rejected\" raw=<redacted>")
        }
    }

    @Test func makeHandlerPicksTheFormat() {
        let lines = Lines()
        for format in LogFormat.allCases {
            var handler = format.makeHandler(label: "snapferry.daemon", level: .info, sink: lines.append)
            handler[metadataKey: "k"] = "v"
            #expect(handler.logLevel == .info)
            #expect(handler[metadataKey: "k"] == "v")
            handler.log(event: LogEvent(level: .info, message: "hello", metadata: nil, source: nil, file: #fileID,
                                        function: #function, line: #line))
        }
        #expect(lines.all.count == 2)
        #expect(lines.all[0].hasPrefix("ts=") && lines.all[0].hasSuffix("msg=hello label=snapferry.daemon k=v"))
        #expect(lines.all[1].hasPrefix("{\"ts\":") && lines.all[1].hasSuffix("\"msg\":\"hello\",\"label\":\"snapferry.daemon\",\"k\":\"v\"}"))
        #expect(LogFormat(rawValue: "json") == .json && LogFormat(rawValue: "logfmt") == .logfmt)
    }
}
