import AWSSimulator
import Foundation

/// The simulator's record of calls as CSV, for looking at where a strategy spends them.
public enum CallLog {
    public static func write(_ calls: [SimCallRecord], to path: String) throws {
        var text = "time,account,service,operation,code\n"
        for c in calls {
            text += "\(AWSTimestampText.iso(c.time)),\(c.account ?? "-"),\(c.service),\(c.operation),\(c.code ?? "")\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
