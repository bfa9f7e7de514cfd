import Foundation
import SnapferryCore
import Testing

@Suite struct DurationParsingTests {
    @Test(arguments: [
        ("36h", 129_600), ("7d", 604_800), ("2w", 1_209_600), ("90m", 5_400), ("45s", 45),
        ("1d12h", 129_600), ("1w2d3h4m5s", 788_645), ("0s", 0), ("007d", 604_800),
    ] as [(String, Int64)])
    func validDuration_parsesToSeconds(text: String, seconds: Int64) {
        #expect(parseFleetDuration(text) == .seconds(seconds))
    }

    @Test(arguments: [
        "", "7", "d", "7x", "-7d", "+7d", "7 d", " 7d", "7d ", "1.5h", "12h1d", "1d1d", "7D",
        "99999999999999999999s", "9223372036854775807w", "1d 12h", "7d#",
    ])
    func invalidDuration_isRejected(text: String) {
        #expect(parseFleetDuration(text) == nil)
    }

    @Test(arguments: [
        (129_600, "1d12h"), (604_800, "7d"), (1_209_600, "14d"), (5_400, "1h30m"), (45, "45s"), (0, "0s"), (90_061, "1d1h1m1s"),
    ] as [(Int64, String)])
    func duration_formatsInLargestUnits(seconds: Int64, text: String) {
        #expect(formatFleetDuration(.seconds(seconds)) == text)
    }

    @Test func formattedDuration_parsesBackToSameValue() {
        for seconds: Int64 in [1, 59, 61, 3_599, 86_399, 86_401, 1_000_000, 31_536_000] {
            #expect(parseFleetDuration(formatFleetDuration(.seconds(seconds))) == .seconds(seconds))
        }
    }
}
