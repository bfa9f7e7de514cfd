import Foundation

/// The bench's text table.
public enum BenchTable {
    public static func render(_ rows: [CycleFigures]) -> String {
        var out = ""
        for r in rows {
            let makespan = r.makespan.map { minutes($0) } ?? "> 1 day"
            let ratio = r.makespanRatio.map { String(format: "%.2f", $0) } ?? "-"
            out += "\(r.fleet) \(r.strategy): makespan \(makespan) bound \(minutes(r.lowerBound)) (\(r.boundBy)) ratio \(ratio); "
            out += String(format: "calls/pair/day %.2f floor %.2f ratio %.2f; ", r.callsPerPair, r.floorPerPair, r.callRatio)
            out += "calls \(r.calls) \(r.callsByService.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")); "
            out += "throttled \(r.throttled) failed \(r.failedCalls) missing \(r.refreshesMissing); wall \(String(format: "%.1f", r.wallSeconds)) s"
            if let p = r.slowestPassMs, r.strategy.hasPrefix("snapferry") { out += String(format: "; slowest scheduler step %.1f ms", p) }
            out += String(format: "; peak RSS %.0f MiB", r.peakRSSMiB)
            out += "\n"
        }
        return out
    }

    static func minutes(_ seconds: Double) -> String { String(format: "%.0f min", seconds / 60) }
}
