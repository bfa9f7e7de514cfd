import AWSSigV4
import Foundation

/// A request parsed from the test suite's `request.txt`: request line,
/// headers (duplicates kept, continuation lines folded into the previous
/// header with their line breaks), blank line, body.
struct RawHTTPRequest {
    var method: String
    var path: String
    var query: String?
    var headers: [(name: String, value: String)]
    var body: Data

    enum ParseError: Error, CustomStringConvertible {
        case badRequestLine(String)
        case badHeaderLine(String)

        var description: String {
            switch self {
            case .badRequestLine(let line): "request line '\(line)' is not 'METHOD target HTTP/1.1'"
            case .badHeaderLine(let line): "header line '\(line)' has no ':' and does not continue a header"
            }
        }
    }

    init(parsing text: String) throws(ParseError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.isEmpty ? "" : lines.removeFirst()
        // The target may itself contain spaces (get-space-*), so split on the first and last space.
        guard let firstSpace = requestLine.firstIndex(of: " "),
            let lastSpace = requestLine.lastIndex(of: " "), firstSpace < lastSpace,
            requestLine[requestLine.index(after: lastSpace)...].hasPrefix("HTTP/")
        else { throw .badRequestLine(requestLine) }
        method = String(requestLine[..<firstSpace])
        let target = requestLine[requestLine.index(after: firstSpace)..<lastSpace]
        if let question = target.firstIndex(of: "?") {
            path = String(target[..<question])
            query = String(target[target.index(after: question)...])
        } else {
            path = String(target)
            query = nil
        }
        headers = []
        while !lines.isEmpty {
            let line = lines.removeFirst()
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" {
                guard let last = headers.popLast() else { throw .badHeaderLine(line) }
                headers.append((last.name, last.value + "\n" + line))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw .badHeaderLine(line) }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        body = Data(lines.joined(separator: "\n").utf8)
    }

    func sigV4Request() -> SigV4Request {
        SigV4Request(
            method: method, path: path, query: query, headers: headers,
            payload: body.isEmpty ? .empty : .bytes(body))
    }

    /// The request rendered back in the suite's format, with other headers/target.
    static func render(
        method: String, target: String, headers: [(name: String, value: String)], body: Data
    ) -> String {
        "\(method) \(target) HTTP/1.1\n" + headers.map { "\($0.name):\($0.value)\n" }.joined() + "\n"
            + String(decoding: body, as: UTF8.self)
    }
}
