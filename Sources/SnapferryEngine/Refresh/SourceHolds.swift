import Foundation

/// Sources whose rotation is still running in this process: a refresh of one of their targets waits
/// for tonight's snapshot and shares, and starts the moment its own source is done rather than when
/// the whole fleet's rotation is (the daemon releases each source as rotation settles it).
public actor SourceHolds {
    private var held: Set<String>

    public init(_ sources: Set<String>) { held = sources }

    public func hold(_ sources: some Sequence<String>) { held.formUnion(sources) }
    public func release(_ source: String) { held.remove(source) }
    public func releaseAll() { held.removeAll() }
    public var current: Set<String> { held }
}
