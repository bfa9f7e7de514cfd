import Foundation
@testable import SnapferryCore
import Testing

/// Snapshot names against a `DateFormatter` in UTC (the oracle), and the identifiers they must refuse.
@Suite struct SnapshotNameTests {
    static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmm"
        return f
    }()

    @Test func namesAndParsesEveryMinuteShapeLikeTheFormatter() {
        var random = SeededRandom(seed: 9)
        for _ in 0..<3000 {
            // 1971 … 2199, any second.
            let date = Date(timeIntervalSince1970: Double(Int.random(in: 31_536_000...7_258_118_400, using: &random)))
            let name = SnapshotName(source: "Orders-EU", slot: date, shareCopy: Bool.random(using: &random) ? 2 : nil)
            let expected = "snapferry-orders-eu-\(Self.formatter.string(from: date))" + (name.shareCopy != nil ? "-s2" : "")
            #expect(name.description == expected)
            let parsed = SnapshotName(parsing: expected.uppercased(), source: "orders-eu")
            #expect(parsed == name, "\(expected)")
        }
    }

    @Test func refusesWhatItNeverMakes() {
        for id in ["snapferry-orders-20260230-0100", "snapferry-orders-20261301-0100", "snapferry-orders-20261201-2400",
                   "snapferry-orders-20261201-0160", "snapferry-orders-2026120a-0100", "snapferry-orders-20261201_0100",
                   "snapferry-billing-20261201-0100", "snapferry-orders-20261201-0100-", "snapferry-orders-2026120"] {
            #expect(SnapshotName(parsing: id, source: "orders") == nil, "\(id)")
        }
        let copy = SnapshotName(parsing: "snapferry-orders-20240229-2359-s3-dev", source: "orders")
        #expect(copy?.shareCopy == 3 && copy?.target == "dev")
        #expect(copy?.slot == Self.formatter.date(from: "20240229-2359"))
    }

    /// A parsed name is the name snapferry would make: its identifier is the canonical one, also when
    /// the input spells the copy number with a leading zero; a digit run too long for a number is a target.
    @Test func parsedNamesCarryTheIdentifierSnapferryWouldMake() {
        let padded = SnapshotName(parsing: "snapferry-orders-20261201-0100-s01", source: "orders")
        #expect(padded?.shareCopy == 1)
        #expect(padded?.description == "snapferry-orders-20261201-0100-s1")
        let long = SnapshotName(parsing: "snapferry-orders-20261201-0100-s99999999999999999999", source: "orders")
        #expect(long?.shareCopy == nil)
        #expect(long?.target == "s99999999999999999999")
        let mixed = SnapshotName(parsing: "SnapFerry-Orders-20261201-0100-S2-Dev", source: "ORDERS")
        #expect(mixed?.description == "snapferry-orders-20261201-0100-s2-dev")
        #expect(mixed == SnapshotName(source: "orders", slot: Self.formatter.date(from: "20261201-0100")!, shareCopy: 2, target: "dev"))
        let primary = SnapshotName(source: "Orders", slot: Self.formatter.date(from: "20261201-0100")!)
        #expect(primary.withShareCopy(3) == SnapshotName(source: "orders", slot: primary.slot, shareCopy: 3))
        #expect(primary.withShareCopy(3).description == "snapferry-orders-20261201-0100-s3")
    }

    /// `primary` cuts the identifier instead of formatting it: the cut must be the name made from scratch,
    /// for copies, target copies, padded copy numbers and hyphenated sources.
    @Test func primaryOfACopyIsThePrimaryMadeFromScratch() {
        let slot = Self.formatter.date(from: "20261201-0100")!
        let made = "snapferry-eu-orders-20261201-0100"
        for id in [made, made + "-s2", made + "-s01", made + "-s12-dev", made + "-dev-db", "SNAPFERRY-EU-ORDERS-20261201-0100-S3"] {
            let name = SnapshotName(parsing: id, source: "eu-orders")
            #expect(name?.primary.description == made, "\(id)")
            #expect(name?.primary == SnapshotName(source: "eu-orders", slot: slot), "\(id)")
        }
    }
}
