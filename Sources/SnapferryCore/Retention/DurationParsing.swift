import Foundation

/// The units of a fleet-file duration, largest first, with their length in seconds.
private let fleetDurationUnits: [(symbol: Character, seconds: Int64)] = [
    ("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1),
]

/// Parses a duration such as `36h`, `7d`, `2w`, `90m`, `45s` or `1d12h`.
///
/// A duration is one or more `<digits><unit>` parts with units `w` (7 days), `d` (24 hours),
/// `h`, `m` and `s`, each unit at most once and larger units first. Days are fixed 24-hour
/// spans, not calendar days. Returns nil for anything else (empty text, spaces, signs,
/// fractions, a number without unit, an unknown or repeated unit, overflow). `0s` is valid;
/// callers that need a positive duration check for it.
public func parseFleetDuration(_ text: String) -> Duration? {
    var total: Int64 = 0
    var digits = ""
    var previousRank = -1
    for character in text {
        if ("0"..."9").contains(character) {
            digits.append(character)
            continue
        }
        guard let rank = fleetDurationUnits.firstIndex(where: { $0.symbol == character }),
              rank > previousRank, !digits.isEmpty, let value = Int64(digits)
        else { return nil }
        let (part, overflowA) = value.multipliedReportingOverflow(by: fleetDurationUnits[rank].seconds)
        let (sum, overflowB) = total.addingReportingOverflow(part)
        guard !overflowA, !overflowB else { return nil }
        total = sum
        digits = ""
        previousRank = rank
    }
    guard digits.isEmpty, previousRank >= 0 else { return nil }
    return .seconds(total)
}

/// Writes a duration the way ``parseFleetDuration(_:)`` reads it, in days, hours, minutes
/// and seconds (`36h` → `1d12h`, `2w` → `14d`, zero or negative → `0s`). Sub-second parts
/// are dropped.
public func formatFleetDuration(_ duration: Duration) -> String {
    var left = duration.components.seconds
    guard left > 0 else { return "0s" }
    var text = ""
    for unit in fleetDurationUnits where unit.symbol != "w" {
        let value = left / unit.seconds
        if value > 0 {
            text += "\(value)\(unit.symbol)"
            left -= value * unit.seconds
        }
    }
    return text
}
