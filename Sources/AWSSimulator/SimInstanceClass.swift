import Foundation

/// DB instance class names: `db.serverless` or `db.<family>.<size>`, where the
/// family is a letter then letters and digits with a generation digit (`r6g`,
/// `t4g`, `x2iedn`) and the size is letters and digits (`large`, `16xlarge`).
enum SimInstanceClass {
    static let serverless = "db.serverless"

    static func isValid(_ name: String) -> Bool {
        let lowered = name.lowercased()
        if lowered == serverless { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "db" else { return false }
        let family = parts[1], size = parts[2]
        let alphanumeric = { (part: Substring) in !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
        guard alphanumeric(family), alphanumeric(size), family.first?.isLetter == true, family.contains(where: \.isNumber) else {
            return false
        }
        return size.last?.isLetter == true
    }
}
