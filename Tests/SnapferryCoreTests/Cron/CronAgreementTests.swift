import Foundation
import SnapferryCore
import Testing

/// Properties that must hold for any expression, zone and date: nextFire, previousFire and
/// fires describe one and the same set of instants.
@Suite("Cron next/previous agreement")
struct CronAgreementTests {
    static let zones = [
        "UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
        "America/Santiago", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Chatham", "America/St_Johns",
        "Pacific/Apia", "Europe/London",
    ]

    /// One random field: `*`, a value, a range, a step or a list of those.
    static func randomField(
        _ bounds: ClosedRange<Int>, names: [String] = [], using generator: inout CronSeededGenerator
    ) -> String {
        func value() -> String {
            let number = Int.random(in: bounds, using: &generator)
            let index = number - (bounds.lowerBound == 1 ? 1 : 0)
            if !names.isEmpty, index < names.count, Bool.random(using: &generator) { return names[index] }
            return String(number)
        }
        func item() -> String {
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: return "*"
            case 1: return "*/\(Int.random(in: 1...bounds.upperBound, using: &generator))"
            case 2:
                let low = Int.random(in: bounds, using: &generator)
                let high = Int.random(in: low...bounds.upperBound, using: &generator)
                return "\(low)-\(high)"
            case 3: return "\(value())/\(Int.random(in: 1...bounds.upperBound, using: &generator))"
            default: return value()
            }
        }
        let count = Int.random(in: 0..<4, using: &generator) == 0 ? 2 : 1
        return (0..<count).map { _ in item() }.joined(separator: ",")
    }

    static func randomExpression(using generator: inout CronSeededGenerator) -> String {
        let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        let days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        // Keep hours and minutes dense enough that fires happen near the random dates.
        let minute = Bool.random(using: &generator) ? randomField(0...59, using: &generator) : "*/15"
        let hour = Bool.random(using: &generator) ? randomField(0...23, using: &generator) : "*"
        let dayOfMonth = Int.random(in: 0..<3, using: &generator) == 0 ? randomField(1...31, using: &generator) : "*"
        let month = Int.random(in: 0..<3, using: &generator) == 0
            ? randomField(1...12, names: months, using: &generator) : "*"
        let dayOfWeek = Int.random(in: 0..<3, using: &generator) == 0
            ? randomField(0...7, names: days, using: &generator) : "*"
        return [minute, hour, dayOfMonth, month, dayOfWeek].joined(separator: " ")
    }

    /// A random instant in 2020-2032, half of the time within a few hours of an offset change.
    static func randomDate(in zone: TimeZone, using generator: inout CronSeededGenerator) -> Date {
        let base = Date(timeIntervalSince1970: Double(Int.random(in: 1_577_836_800...1_988_150_400, using: &generator)))
        guard Bool.random(using: &generator), let transition = zone.nextDaylightSavingTimeTransition(after: base) else {
            return base
        }
        let jitter = Double(Int.random(in: -4 * 3_600...4 * 3_600, using: &generator) / 60 * 60)
        return transition.addingTimeInterval(jitter + (Bool.random(using: &generator) ? 0 : 0.5))
    }

    @Test("nextFire and previousFire are consistent neighbours for random expressions, zones and dates")
    func nextAndPreviousAgree() throws {
        var generator = CronSeededGenerator(seed: 0x5EED_C0FF_EE)
        for _ in 0..<400 {
            let expression = Self.randomExpression(using: &generator)
            let schedule = try CronSchedule(parsing: expression)
            let zoneName = try #require(Self.zones.randomElement(using: &generator))
            let zone = try CronTestSupport.zone(zoneName)
            let date = Self.randomDate(in: zone, using: &generator)
            let context: Comment = "\"\(expression)\" in \(zoneName) at \(CronTestSupport.text(date))"

            let next = schedule.nextFire(after: date, in: zone)
            let previous = schedule.previousFire(atOrBefore: date, in: zone)
            // Compare neighbours only while both lie well inside the 8-year search horizon.
            let span = Double(CronSchedule.searchHorizonDays) * 86_400 / 2
            let nearNext = next.map { $0.timeIntervalSince(date) < span } ?? false
            let nearPrevious = previous.map { date.timeIntervalSince($0) < span } ?? false
            if let next {
                #expect(next > date, context)
                #expect(schedule.previousFire(atOrBefore: next, in: zone) == next, context)
                if nearNext && (nearPrevious || previous == nil) {
                    // Nothing fires strictly between `date` and `next` (fires fall on whole seconds).
                    #expect(schedule.previousFire(atOrBefore: next.addingTimeInterval(-1), in: zone) == previous, context)
                }
            }
            if let previous {
                #expect(previous <= date, context)
                #expect(schedule.nextFire(after: previous.addingTimeInterval(-1), in: zone) == previous, context)
                if nearPrevious && (nearNext || next == nil) {
                    #expect(schedule.nextFire(after: previous, in: zone) == next, context)
                }
            }
        }
    }

    @Test("fires over two days equals chained nextFire and chained previousFire")
    func firesEqualsChainedLookups() throws {
        var generator = CronSeededGenerator(seed: 0xF1E5)
        for _ in 0..<120 {
            let expression = Self.randomExpression(using: &generator)
            let schedule = try CronSchedule(parsing: expression)
            let zoneName = try #require(Self.zones.randomElement(using: &generator))
            let zone = try CronTestSupport.zone(zoneName)
            let start = Self.randomDate(in: zone, using: &generator).addingTimeInterval(-86_400)
            let end = start.addingTimeInterval(2 * 86_400)
            let context: Comment = "\"\(expression)\" in \(zoneName) after \(CronTestSupport.text(start))"

            let listed = schedule.fires(after: start, through: end, in: zone, limit: 3_000)
            let forward = CronTestSupport.chainedNextFires(schedule, after: start, through: end, in: zone, limit: 3_000)
            let backward = CronTestSupport.chainedPreviousFires(
                schedule, after: start, through: end, in: zone, limit: 3_000)
            #expect(CronTestSupport.firstDifference(listed, forward) == nil, context)
            #expect(CronTestSupport.firstDifference(listed, backward) == nil, context)
            #expect(zip(listed, listed.dropFirst()).allSatisfy { $0 < $1 }, context)
        }
    }
}
