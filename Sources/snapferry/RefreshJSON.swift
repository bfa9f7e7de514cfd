import Foundation
import SnapferryCore
import SnapferryEngine

/// A target's item in `plan --format json` and `apply --format json`, beside the sources' items
/// (told apart by the `target` key; see docs/schemas/refresh.schema.json).
struct RefreshJSON: Encodable {
    var target: String
    var slot: String?
    /// apply: ok, already-done, skipped, refused, failed, unfinished. plan: those of a settled target, or
    /// act, waiting, done, rollback for the planner's answer.
    var result: String
    /// The snapshot refreshed from (or chosen for a refresh in flight).
    var snapshot: String?
    /// plan: every step from here to the end if each succeeds, with reasons. apply: the steps performed in this run.
    var steps: [Step]
    /// Why it was skipped, refused, failed, is waiting or rolling back.
    var reason: String?
    var warnings: [String]

    struct Step: Encodable {
        var action: String
        var reason: String?
    }

    init(_ r: RefreshResult) {
        target = r.target
        slot = r.slot.map { ISOTime.format($0) }
        steps = r.performed.map { Step(action: $0, reason: nil) }
        warnings = []
        (result, reason) = Self.words(r.outcome)
        if case .refreshed(let from) = r.outcome { snapshot = from }
    }

    init(_ p: RefreshPreview) {
        target = p.target
        slot = p.slot.map { ISOTime.format($0) }
        steps = []
        warnings = p.plan?.warnings ?? []
        snapshot = p.plan?.snapshot?.identifier
        if let settled = p.settled {
            (result, reason) = Self.words(settled)
            if case .refreshed(let from) = settled { snapshot = from }
            return
        }
        switch p.plan?.outcome {
        case .skipped(let why)?: (result, reason) = ("skipped", why)
        case .refused(let why)?: (result, reason) = ("refused", why)
        case .waiting(let why)?: (result, reason) = ("waiting", why)
        case .done?: (result, reason) = ("done", nil)
        case .mustRollBack(let why)?, .failed(let why)?: (result, reason) = ("rollback", why)
        case .act?, nil:
            result = p.plan?.rollingBack == true ? "rollback" : "act"
            reason = nil
            steps = (p.prediction?.steps ?? p.plan?.steps ?? []).map { Step(action: $0.action.summary, reason: $0.reason) }
        }
    }

    static func words(_ outcome: RefreshOutcome) -> (String, String?) {
        switch outcome {
        case .refreshed: ("ok", nil)
        case .alreadyDone(let what): ("already-done", what)
        case .skipped(let why): ("skipped", why)
        case .refused(let why): ("refused", why)
        case .failed(let why): ("failed", why)
        case .unfinished(let why): ("unfinished", why)
        }
    }
}

/// A source's item or a target's, in one JSON array.
enum RunItemJSON<Source: Encodable, Target: Encodable>: Encodable {
    case source(Source)
    case target(Target)

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .source(let s): try s.encode(to: encoder)
        case .target(let t): try t.encode(to: encoder)
        }
    }
}
