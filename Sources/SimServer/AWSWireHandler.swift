import AWSKit
import AWSSigV4
import AWSSimulator
import Foundation

/// Serves AWS requests: routes by the service in the SigV4 credential scope,
/// verifies the signature against the world's keys, decodes Query forms (RDS,
/// STS, EC2) or JSON 1.1 (KMS), asks the world, and encodes its answer in AWS's shapes.
///
/// The signing time is not compared with any clock: clients sign with wall-clock
/// time while the world runs on virtual time, so `RequestTimeTooSkewed` is not simulated.
struct AWSWireHandler: Sendable {
    let host: SimHost
    let verifySignatures: Bool

    func handle(_ request: WireRequest) async -> WireReply {
        let jsonTarget = request.header("x-amz-target")
        guard let header = request.header("authorization") else {
            return jsonTarget != nil
                ? WireErrors.kms("MissingAuthenticationTokenException", "Missing Authentication Token", status: 400)
                : WireErrors.query("rds", "MissingAuthenticationToken", "Request is missing Authentication Token", status: 403)
        }
        let authorization: SigV4Authorization
        do { authorization = try SigV4Authorization(parsing: header) } catch {
            return jsonTarget != nil
                ? WireErrors.kms("IncompleteSignatureException", error.description, status: 400)
                : WireErrors.query("rds", "IncompleteSignature", error.description, status: 403)
        }
        let service = authorization.service
        guard ["rds", "sts", "kms", "ec2"].contains(service) else {
            return WireErrors.query("rds", "InvalidAction",
                                    "service '\(service)' is not simulated; sign for rds, sts, kms or ec2", status: 400)
        }
        let operation: String, params: [String: String]
        switch WireDecoding.decode(request, service: service) {
        case .call(let name, let decoded): (operation, params) = (name, decoded)
        case .refused(let reply): return reply
        }
        let world = await host.world
        if verifySignatures, let refusal = await verify(request, authorization, world: world) {
            return service == "ec2" ? WireErrors.ec2AuthFailure() : refusal
        }
        let call = SimCall(accessKeyId: authorization.accessKeyId, sessionToken: request.header("x-amz-security-token"),
                           region: authorization.region, service: service, operation: operation, params: params,
                           attempt: SimCall.attempt(fromHeader: request.header("amz-sdk-request")), received: Date())
        let result = await world.handle(call)
        return reply(for: result, service: service, operation: operation)
    }

    /// Nil when the signature is good; otherwise AWS's refusal.
    private func verify(_ request: WireRequest, _ authorization: SigV4Authorization, world: SimWorld) async -> WireReply? {
        let kms = authorization.service == "kms"
        guard let secret = await world.secret(forAccessKey: authorization.accessKeyId) else {
            let message = "The security token included in the request is invalid."
            return kms ? WireErrors.kms("UnrecognizedClientException", message, status: 400)
                : WireErrors.query(authorization.service, "InvalidClientTokenId", message, status: 403)
        }
        let signed = SigV4Request(method: request.method, path: request.path, query: request.query,
                                  headers: request.headers, payload: .bytes(request.body))
        switch SigV4Verifier().verify(signed, authorization: authorization, secretAccessKey: secret, now: nil) {
        case .ok:
            return nil
        case .signatureMismatch(let canonical, let stringToSign):
            let message = "The request signature we calculated does not match the signature you provided. "
                + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
            if kms { return WireErrors.kms("InvalidSignatureException", message, status: 400) }
            let detail = "\n\nThe Canonical String for this request should have been\n'\(canonical)'\n\n"
                + "The String-to-Sign should have been\n'\(stringToSign)'\n"
            return WireErrors.query(authorization.service, "SignatureDoesNotMatch", message + detail, status: 403)
        case .expired(let reason):
            return kms ? WireErrors.kms("InvalidSignatureException", reason, status: 400)
                : WireErrors.query(authorization.service, "SignatureDoesNotMatch", reason, status: 403)
        case .malformed(let reason):
            return kms ? WireErrors.kms("IncompleteSignatureException", reason, status: 400)
                : WireErrors.query(authorization.service, "IncompleteSignature", reason, status: 403)
        }
    }

    /// Encodes the world's answer (or error) and carries its fault effects.
    private func reply(for result: SimResult, service: String, operation: String) -> WireReply {
        var reply: WireReply
        switch result.outcome {
        case .success(let response):
            let requestId = UUID().uuidString.lowercased()
            if service == "kms" {
                reply = WireReply(status: 200, headers: WireErrors.kmsHeaders(requestId), body: KMSJSONWriter.body(for: response))
            } else if service == "ec2" {
                let xml = EC2XMLWriter.success(operation: operation, requestId: requestId, response: response)
                reply = WireReply(status: 200, headers: WireErrors.queryHeaders(requestId), body: Data(xml.utf8))
            } else {
                let xml = QueryEnvelope.success(service: service, operation: operation, requestId: requestId,
                                                result: QueryResultWriter.writer(for: response))
                reply = WireReply(status: 200, headers: WireErrors.queryHeaders(requestId), body: Data(xml.utf8))
            }
        case .failure(let error):
            let status = error.httpStatus ?? (error.kind == .service ? 400 : 500)
            reply = service == "kms"
                ? WireErrors.kms(error.code, error.message, status: status, requestId: error.requestId)
                : WireErrors.query(service, error.code, error.message, status: status, requestId: error.requestId)
        }
        reply.latency = result.latency
        reply.fault = result.transportFault
        return reply
    }
}
