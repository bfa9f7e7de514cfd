import Foundation

/// The problems AWS would refuse a policy for (or that the simulator cannot evaluate),
/// each with its JSON path. The evaluator treats such a statement as matching nothing;
/// scenario validation reports it.
enum IAMPolicyValidation {
    static func problems(_ policy: SimJSON, path: String, kind: IAMPolicy.Kind) -> [SimScenarioError] {
        var errors: [SimScenarioError] = []
        func fail(_ at: String, _ reason: String) { errors.append(SimScenarioError(path: at, reason: reason)) }
        guard case .object = policy else {
            fail(path, "a policy is a JSON object")
            return errors
        }
        let listed: [(String, SimJSON)]
        switch policy["Statement"] {
        case nil: return errors
        case .array(let list)?: listed = list.enumerated().map { ("\(path).Statement[\($0.offset)]", $0.element) }
        case .object?: listed = [("\(path).Statement", policy["Statement"] ?? .null)]
        case let other?: fail("\(path).Statement", "expected a statement object or a list of them, got \(other.jsonText)"); return errors
        }
        for (at, statement) in listed {
            guard case .object = statement else { fail(at, "a statement is a JSON object"); continue }
            switch statement["Effect"] {
            case nil: fail("\(at).Effect", "missing field")
            case .string("Allow")?, .string("Deny")?: break
            case let other?: fail("\(at).Effect", "must be exactly \"Allow\" or \"Deny\" (case-sensitive), got \(other.jsonText)")
            }
            if statement["Action"] != nil && statement["NotAction"] != nil {
                fail("\(at).NotAction", "a statement has Action or NotAction, not both")
            } else if statement["Action"] == nil && statement["NotAction"] == nil {
                fail(at, "a statement needs Action or NotAction")
            }
            if statement["Resource"] != nil && statement["NotResource"] != nil {
                fail("\(at).NotResource", "a statement has Resource or NotResource, not both")
            }
            let principal = statement["Principal"], notPrincipal = statement["NotPrincipal"]
            switch kind {
            case .identity:
                if principal != nil || notPrincipal != nil {
                    fail("\(at).\(principal != nil ? "Principal" : "NotPrincipal")", "an identity policy names no principal")
                }
            case .resource:
                if principal != nil && notPrincipal != nil {
                    fail("\(at).NotPrincipal", "a statement has Principal or NotPrincipal, not both")
                } else if principal == nil && notPrincipal == nil {
                    fail(at, "a statement of a resource policy needs Principal or NotPrincipal")
                } else if notPrincipal != nil, statement["Effect"] == .string("Allow") {
                    fail("\(at).NotPrincipal", "NotPrincipal is only supported with \"Effect\": \"Deny\"")
                }
            }
            errors += conditionProblems(statement["Condition"], path: "\(at).Condition")
        }
        return errors
    }

    private static func conditionProblems(_ block: SimJSON?, path: String) -> [SimScenarioError] {
        guard let block else { return [] }
        guard case .object(let operators) = block else { return [SimScenarioError(path: path, reason: "expected an object")] }
        var errors: [SimScenarioError] = []
        for (name, clause) in operators.sorted(by: { $0.key < $1.key }) {
            guard IAMCondition.Operator(name) != nil else {
                errors.append(SimScenarioError(path: "\(path).\(name)", reason: "condition operator not evaluated by the simulator "
                    + "(known: \(IAMCondition.Operator.Base.allCases.map(\.rawValue).joined(separator: ", ")), with "
                    + "ForAnyValue:/ForAllValues: and IfExists)"))
                continue
            }
            if case .object = clause { continue }
            errors.append(SimScenarioError(path: "\(path).\(name)", reason: "expected an object of condition keys"))
        }
        return errors
    }
}
