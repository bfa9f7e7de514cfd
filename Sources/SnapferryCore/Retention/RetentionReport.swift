import Foundation

/// Renders a ``RetentionDecision`` for `snapferry retention` and dry runs.
public enum RetentionReport {
    /// One line per snapshot, newest first, then a summary:
    /// ```
    /// keep    2026-11-29T02:00:00Z  last snapshot, daily snapshot
    /// remove  2026-11-20T02:00:00Z
    /// keep 12, remove 88
    /// ```
    /// Times are in UTC. The text ends with a newline.
    public static func text(_ decision: RetentionDecision) -> String {
        var lines: [String] = []
        for entry in merged(decision) {
            switch entry {
            case .keep(let kept):
                let reasons = kept.reasons.map(\.description).joined(separator: ", ")
                lines.append("keep    \(formatISO8601Timestamp(kept.item.time))  \(reasons)")
            case .remove(let item):
                lines.append("remove  \(formatISO8601Timestamp(item.time))")
            }
        }
        lines.append("keep \(decision.keep.count), remove \(decision.remove.count)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"keep":[{"reasons":[…],"time":"…"}],"remove":[{"time":"…"}]}`, keys sorted, on one
    /// line ending with a newline. Both lists are newest first; times are in UTC.
    public static func json(_ decision: RetentionDecision) -> String {
        let keep = decision.keep.map { kept in
            let reasons = kept.reasons.map { quoted($0.description) }.joined(separator: ",")
            return "{\"reasons\":[\(reasons)],\"time\":\(quoted(formatISO8601Timestamp(kept.item.time)))}"
        }
        let remove = decision.remove.map { "{\"time\":\(quoted(formatISO8601Timestamp($0.time)))}" }
        return "{\"keep\":[\(keep.joined(separator: ","))],\"remove\":[\(remove.joined(separator: ","))]}\n"
    }

    private enum Entry {
        case keep(RetentionDecision.Kept)
        case remove(RetentionItem)

        var item: RetentionItem {
            switch self {
            case .keep(let kept): kept.item
            case .remove(let item): item
            }
        }
    }

    /// Merges the two newest-first lists back into one, by the order ``applyRetention`` uses;
    /// on a full tie the kept entry goes first, as the walk met it first.
    private static func merged(_ decision: RetentionDecision) -> [Entry] {
        var result: [Entry] = []
        var keepIndex = 0, removeIndex = 0
        while keepIndex < decision.keep.count || removeIndex < decision.remove.count {
            guard removeIndex < decision.remove.count else {
                result.append(.keep(decision.keep[keepIndex])); keepIndex += 1; continue
            }
            guard keepIndex < decision.keep.count else {
                result.append(.remove(decision.remove[removeIndex])); removeIndex += 1; continue
            }
            let kept = decision.keep[keepIndex].item, removed = decision.remove[removeIndex]
            let removedFirst = removed.time > kept.time || (removed.time == kept.time && removed.id < kept.id)
            if removedFirst {
                result.append(.remove(removed)); removeIndex += 1
            } else {
                result.append(.keep(decision.keep[keepIndex])); keepIndex += 1
            }
        }
        return result
    }

    /// A JSON string literal.
    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
