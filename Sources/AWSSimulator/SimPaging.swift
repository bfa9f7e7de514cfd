import AWSKit
import Foundation

/// Marker paging over a list sorted by a unique key. The marker is opaque
/// (base64 of the last key returned), so items created or deleted between
/// pages neither repeat nor shift the rest.
enum SimPaging {
    /// Checks RDS's MaxRecords bounds (AWS-ERRORS 13) and returns the page size.
    static func rdsPageSize(_ maxRecords: Int?) throws(SimDenial) -> Int {
        let size = maxRecords ?? 100
        guard (20...100).contains(size) else {
            throw SimDenial.invalidParameter("Invalid value \(size) for MaxRecords. Must be between 20 and 100")
        }
        return size
    }

    /// The page after `marker`; items must be sorted by `key` ascending.
    static func page<Item: Sendable>(_ items: [Item], key: (Item) -> String, maxRecords: Int, marker: String?,
                                     invalidMarker: SimDenial) throws(SimDenial) -> Page<Item> {
        var start = 0
        if let marker, !marker.isEmpty {
            guard let data = Data(base64Encoded: marker), let last = String(data: data, encoding: .utf8) else { throw invalidMarker }
            start = items.firstIndex { key($0) > last } ?? items.count
        }
        let end = min(items.count, start + maxRecords)
        let slice = Array(items[start..<end])
        let next = end < items.count ? slice.last.map { Data(key($0).utf8).base64EncodedString() } : nil
        return Page(items: slice, marker: next)
    }
}
