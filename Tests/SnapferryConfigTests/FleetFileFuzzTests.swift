import Foundation
import SnapferryConfig
import SnapferryCore
import Testing

/// Fleet files mutated from the annotated example by a seeded mutator (lines deleted, repeated,
/// swapped, re-indented or cut; values replaced with hostile ones; characters inserted): each one
/// either loads or is refused with diagnostics located in it — a file name as given, a line and a
/// column inside the file, a message. A crash would end the test process; a hang, the test command's
/// time bound. 2,000 files per CI run; `SNAPFERRY_FUZZ_FILES=10000` (and `SNAPFERRY_FUZZ_SEED`) for
/// the long run in docs/RELIABILITY.md.
@Suite struct FleetFileFuzzTests {
    static let hostileValues = [
        "", "~", "null", "-1", "0", "99999999999999999999999", "1e309", ".nan", "-.inf", "0x1F", "0o17", "true",
        "[", "]", "{", "}", "[a, b", "{ a: 1", "&anchor", "*alias", "!!binary AAAA", "!custom x", "'unterminated",
        "\"unterminated", "\"a\\u0000b\"", "\"\\xff\"", String(repeating: "a", count: 300), "ünïcødé ✓ 数据库",
        "$(rm -rf /)", "; ls -la", "`id`", "a b c", "2026-13-45", "- item", "key: value", "|", ">-", "? complex",
        "<<: *alias", "%YAML 1.2", "---", "...", "#", "\t", "sg-123 sg-456", "arn:aws:iam::", "0 25 * * *",
    ]

    /// One mutation of `lines`.
    static func mutate(_ lines: inout [String], _ random: inout SeededRandom) {
        guard !lines.isEmpty else { lines = ["version: 1"]; return }
        let i = Int.random(in: 0..<lines.count, using: &random)
        switch Int.random(in: 0..<9, using: &random) {
        case 0: lines.remove(at: i)
        case 1: lines.insert(lines[i], at: i)
        case 2: lines.swapAt(i, Int.random(in: 0..<lines.count, using: &random))
        case 3: lines[i] = "  " + lines[i]
        case 4: lines[i] = String(lines[i].drop(while: { $0 == " " }))
        case 5:
            // A value replaced: after the first ": " or "- ", or the whole line.
            let value = hostileValues.randomElement(using: &random)!
            if let colon = lines[i].range(of: ": ") {
                lines[i] = String(lines[i][..<colon.upperBound]) + value
            } else if let dash = lines[i].range(of: "- ") {
                lines[i] = String(lines[i][..<dash.upperBound]) + value
            } else {
                lines[i] = value
            }
        case 6:
            let characters: [Character] = [":", "-", "#", "\"", "'", "{", "}", "[", "]", ",", "&", "*", "!", "|", ">",
                                           "%", "@", "`", "\t", " ", "\u{0}", "\u{7f}", "\u{feff}", "é", "\n"]
            var line = Array(lines[i])
            line.insert(characters.randomElement(using: &random)!, at: Int.random(in: 0...line.count, using: &random))
            lines[i] = String(line)
        case 7: lines.removeSubrange(i...)
        default:
            let indent = String(repeating: " ", count: 2 * Int.random(in: 0...3, using: &random))
            lines.insert(indent + "unexpected_key: \(hostileValues.randomElement(using: &random)!)", at: i)
        }
    }

    @Test func mutatedFleetFilesLoadOrGetLocatedErrors() throws {
        let url = try #require(Bundle.module.url(forResource: "fleet.example", withExtension: "yaml", subdirectory: "Fixtures"))
        let example = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        let environment = ProcessInfo.processInfo.environment
        let count = environment["SNAPFERRY_FUZZ_FILES"].flatMap(Int.init) ?? 2000
        var random = SeededRandom(seed: environment["SNAPFERRY_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_130)
        var (loaded, refused, diagnostics) = (0, 0, 0)
        for n in 0..<count {
            var lines = example
            for _ in 0..<Int.random(in: 1...4, using: &random) { Self.mutate(&lines, &random) }
            let text = lines.joined(separator: "\n")
            let lineCount = text.components(separatedBy: "\n").count
            let file = "fuzz-\(n).yaml"
            switch FleetLoader.load(yaml: text, file: file) {
            case .success: loaded += 1
            case .failure(let errors):
                refused += 1
                diagnostics += errors.diagnostics.count
                #expect(!errors.diagnostics.isEmpty, "\(file): refused without a diagnostic")
                for d in errors.diagnostics {
                    let located = d.file == file && (1...lineCount + 1).contains(d.line) && d.column >= 1 && !d.message.isEmpty
                    #expect(located, "\(file): \(d) (of \(lineCount) lines)\n\(text)")
                    if !located { return }
                }
            }
        }
        // Both outcomes occur: a mutator that only ever broke the file, or never did, would test little.
        #expect(loaded > count / 50 && refused > count / 2, "\(loaded) loaded, \(refused) refused")
        print("fleet-file fuzz: \(count) files, \(loaded) loaded, \(refused) refused with \(diagnostics) located diagnostics")
    }
}
